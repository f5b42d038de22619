#!/usr/bin/env python3
"""bench/client_latency.py CLIENT RELAY_URL SENDER_HOME BOT_HOME ROOM TOKEN ROUNDS

How much later than the relay's own long-poll answer a `read --follow
--json` bot prints a message (issue 11: within the long-poll latency plus
5 ms). Each round: a bare long-poll (curl, the bot's member token) and the
bot both wait on ROOM; SENDER posts with `e2e-chat send`; the times at
which curl's answer and the bot's line arrive are taken on this clock.
Prints each round's delay and the median."""
import os
import select
import statistics
import subprocess
import sys
import time

client, url, sender, bot_home, room, token, rounds = sys.argv[1:8]
rounds = int(rounds)
env = dict(os.environ)
bot = subprocess.Popen([client, "--relay", url, "--home", bot_home, "read", room, "--follow",
                        "--json", "--tail", "1"], stdout=subprocess.PIPE, env=env)
os.set_blocking(bot.stdout.fileno(), False)
buf = b""


def read_lines(deadline):
    """Drop what the bot prints until `deadline` (its history)."""
    global buf
    while time.monotonic() < deadline:
        r, _, _ = select.select([bot.stdout], [], [], max(0, deadline - time.monotonic()))
        if not r or not bot.stdout.read():
            break
    buf = b""


def race(poll, text, timeout):
    """Watch the bot and the bare long-poll at once: the time each is seen
    to deliver `text` (the bot's line; curl's answer, at its end)."""
    global buf
    t_bot = t_curl = None
    os.set_blocking(poll.stdout.fileno(), False)
    deadline = time.monotonic() + timeout
    while (t_bot is None or t_curl is None) and time.monotonic() < deadline:
        watch = [f for f, t in ((bot.stdout, t_bot), (poll.stdout, t_curl)) if t is None]
        r, _, _ = select.select(watch, [], [], max(0, deadline - time.monotonic()))
        now = time.monotonic()
        if bot.stdout in r:
            buf += bot.stdout.read() or b""
            if text.encode() in buf:
                t_bot, buf = now, b""
        if poll.stdout in r and not poll.stdout.read():
            t_curl = now
    return t_bot, t_curl


def newest_seq():
    out = subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + token,
                          f"{url}/v1/rooms/{room}/messages?after=0&limit=1000"],
                         capture_output=True, text=True).stdout
    seqs = [int(p.split(",")[0]) for p in out.split('"seq":')[1:]]
    return max(seqs) if seqs else 0


read_lines(time.monotonic() + 3)  # the history line(s)
delays = []
for i in range(rounds):
    after = newest_seq()
    poll = subprocess.Popen(["curl", "-s", "-H", "Authorization: Bearer " + token,
                             f"{url}/v1/rooms/{room}/messages?after={after}&limit=1&wait=30"],
                            stdout=subprocess.PIPE)
    time.sleep(1)  # both parked before the post (timing of setup only)
    # raced while the sender runs: both answers come during its post
    send = subprocess.Popen([client, "--relay", url, "--home", sender, "send", room,
                             f"probe {i}"], env=env)
    t_bot, t_curl = race(poll, f"probe {i}", 10)
    poll.wait()
    send.wait()
    if t_bot is None or t_curl is None:
        print(f"round {i}: no answer", file=sys.stderr)
        continue
    delays.append((t_bot - t_curl) * 1000)
    print(f"round {i}: the bot printed {delays[-1]:+.1f} ms after the bare long-poll returned")
bot.terminate()
bot.wait()
if delays:
    print(f"median: {statistics.median(delays):+.1f} ms (target: <= +5 ms)")
