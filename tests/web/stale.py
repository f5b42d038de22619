#!/usr/bin/env python3
"""stale.py - a page left open after its `e2e-chat web` stopped, when
something else (another local user's server, say) then listens on its
port: the page must send it nothing, least of all a room password typed
into it. tests/web/stale.sh starts bob's web (BOB_URL) and stops it when
this script says "stop" on stdout and then reads a line from stdin.
This script then listens on the port itself, records every request, and
types a room and a password into the page. Every wait is bounded."""
import http.server
import os
import shutil
import sys
import threading
import time
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 60
T = os.environ["T"]
URL = os.environ["BOB_URL"]
PORT = urlsplit(URL).port
seen = []


class Taker(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        seen.append("%s %s %s" % (self.command, self.path, body.decode("utf-8", "replace")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"events":[],"last":0,"reset":false,"rooms":[],"me":"x","relay":"x"}')

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


opts = webdriver.ChromeOptions()
opts.binary_location = shutil.which("chromium")
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1280,900", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync",
            "--user-data-dir=" + os.path.join(T, "chromium-stale")):
    opts.add_argument(arg)
d = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver"),
                                     log_output=os.path.join(T, "chromedriver-stale.log")),
                     options=opts)
failures = []
server = None
try:
    d.get(URL)
    WebDriverWait(d, WAIT, poll_frequency=0.1).until(
        lambda _: d.find_element(By.ID, "conn").text == "connected")
    print("stop", flush=True)
    sys.stdin.readline()  # bob's web has exited
    deadline = time.monotonic() + WAIT
    while server is None:
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Taker)
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("FAIL: cannot listen on the old port %d" % PORT)
            time.sleep(0.1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # the page's own retry (every 2 s) would come now: wait for the page
    # to say it stopped, or for a request to arrive
    try:
        WebDriverWait(d, WAIT, poll_frequency=0.1).until(
            lambda _: seen or "stopped" in d.find_element(By.ID, "notice").text)
    except TimeoutException:
        failures.append("the page neither said its server stopped nor asked the new one")
    try:  # the user tries anyway (fields the page disabled refuse it: fine)
        d.find_element(By.ID, "join-room").send_keys("den")
        d.find_element(By.ID, "join-password").send_keys("stale secret")
        d.find_element(By.ID, "join-submit").click()
    except WebDriverException:
        pass
    # a request made by the click would arrive within a moment; the
    # page's stop notice is the bound here
    try:
        WebDriverWait(d, 5, poll_frequency=0.1).until(
            lambda _: any("stale secret" in s for s in seen))
    except TimeoutException:
        pass
    if seen:
        failures.append("the page sent the new listener %d request(s): %s"
                        % (len(seen), " | ".join(s[:120] for s in seen)))
finally:
    d.quit()
    if server:
        server.shutdown()
for f in failures:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if failures else 0)
