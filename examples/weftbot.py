"""The little a Weft bot needs, with nothing but Python's standard library.

A bot is made by a workspace admin (`bots/add`, or Workspace settings), which answers its
token. It follows its workspace's event stream (Server-Sent Events) and calls the API like
any client. It hears what happens in the channels it is a member of (add it to them), and
knows it was called on when a post mentions it.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Bot:
    def __init__(self, url=None, token=None, workspace=None):
        self.url = (url or os.environ.get("WEFT_URL", "http://127.0.0.1:8080")).rstrip("/")
        self.token = token or os.environ["WEFT_TOKEN"]
        self.workspace = int(workspace or os.environ["WEFT_WORKSPACE"])
        self.me = self.call("users/get_session_user")

    def call(self, method, **params):
        """One API call (a JSON body); answers the decoded JSON."""
        req = urllib.request.Request(
            f"{self.url}/api/v3/{method}",
            data=json.dumps(params).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def mentions_me(self, post):
        """Whether a thread or comment calls on the bot (a mention of it)."""
        me = self.me["id"]
        return me in (post.get("direct_mentions") or []) or f"twist-mention://{me}" in post.get("content", "")

    def mention(self, user_id, name):
        """Markdown that mentions someone (pass `direct_mentions` along with it)."""
        return f"[{name}](twist-mention://{user_id})"

    def posts_for_me(self):
        """Yields (event type, post) for every new thread or comment that mentions the bot,
        resuming after a dropped connection without missing or repeating one."""
        last = None
        connected_once = False
        while True:
            query = urllib.parse.urlencode({"workspace_id": self.workspace})
            headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
            if last is not None:
                headers["Last-Event-ID"] = str(last)
            req = urllib.request.Request(f"{self.url}/api/v3/events/stream?{query}", headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=120) as stream:
                    if not connected_once:
                        connected_once = True
                        print(f"{self.me['name']} is listening in workspace {self.workspace}", file=sys.stderr, flush=True)
                    event_id, data = None, []
                    for raw in stream:
                        line = raw.decode().rstrip("\n")
                        if line.startswith("id:"):
                            event_id = int(line[3:].strip())
                        elif line.startswith("data:"):
                            data.append(line[5:].strip())
                        elif line == "" and data:
                            event = json.loads("\n".join(data))
                            last, data = event_id, []
                            post = event.get("data") or {}
                            if (
                                event.get("type") in ("thread_added", "comment_added")
                                and post.get("creator") != self.me["id"]
                                and self.mentions_me(post)
                            ):
                                yield event["type"], post
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                print(f"stream interrupted ({e}); reconnecting", file=sys.stderr)
                time.sleep(2)

    def reply(self, event_type, post, content, mentions=()):
        """Answers in the thread the post is in."""
        thread_id = post["id"] if event_type == "thread_added" else post["thread_id"]
        return self.call("comments/add", thread_id=thread_id, content=content, direct_mentions=list(mentions))
