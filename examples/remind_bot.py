"""Remind-me bot: "@Reminders in 2h check the deploy" — and two hours later it mentions
you in the same thread with "check the deploy". Units: s, m, h, d.

    WEFT_URL=http://127.0.0.1:8080 WEFT_TOKEN=weft_pat_… WEFT_WORKSPACE=1 python3 examples/remind_bot.py

Reminders wait in memory: a restart forgets the ones not yet due (Weft's own scheduled
send, `send_at_ts` on comments/add, is the durable way; this bot shows the shape).
"""

import re
import threading

from weftbot import Bot

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ASK = re.compile(r"\bin\s+(\d+)\s*([smhd])\b\s*(.*)", re.IGNORECASE | re.DOTALL)


def main():
    bot = Bot()
    for event_type, post in bot.posts_for_me():
        text = re.sub(r"\[[^\]]*\]\(twist-mention://\d+\)", "", post.get("content", "")).strip()
        author = post["creator"]
        ask = ASK.search(text)
        if not ask:
            bot.reply(event_type, post, "Tell me when and what: “in 2h check the deploy” (s, m, h or d).", [author])
            continue
        seconds = int(ask.group(1)) * UNITS[ask.group(2).lower()]
        what = ask.group(3).strip() or "this"
        bot.reply(event_type, post, f"Will do: in {ask.group(1)}{ask.group(2)}.", [author])
        timer = threading.Timer(
            seconds,
            bot.reply,
            args=(event_type, post, f"{bot.mention(author, 'Reminder')}: {what}", [author]),
        )
        timer.daemon = True
        timer.start()


if __name__ == "__main__":
    main()
