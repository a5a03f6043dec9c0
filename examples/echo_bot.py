"""Echo bot: answers every post that mentions it with what it said.

    WEFT_URL=http://127.0.0.1:8080 WEFT_TOKEN=weft_pat_… WEFT_WORKSPACE=1 python3 examples/echo_bot.py
"""

import re

from weftbot import Bot


def main():
    bot = Bot()
    for event_type, post in bot.posts_for_me():
        # The text without the mention of the bot itself.
        said = re.sub(r"\[[^\]]*\]\(twist-mention://\d+\)", "", post.get("content", "")).strip()
        author = post["creator"]
        bot.reply(event_type, post, f"{bot.mention(author, 'you')} said: {said or '(nothing)'}", mentions=[author])


if __name__ == "__main__":
    main()
