#!/usr/bin/env python3
"""band.py - one headless Chromium on bob's `e2e-chat web` while the
relay makes every step warn again (tests/web/hostile.sh: a malformed
key wrap, told on each step): the red SECURITY: band shows the line once
with a count, and the chat stays on the screen under it; a member's
longest word wraps inside the chat. Environment:
BOB_URL (the link), T (the work directory). Every wait is bounded."""
import os
import shutil
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 90
T = os.environ["T"]

opts = webdriver.ChromeOptions()
opts.binary_location = shutil.which("chromium")
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1280,900", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync",
            "--user-data-dir=" + os.path.join(T, "chromium-band")):
    opts.add_argument(arg)
d = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver"),
                                     log_output=os.path.join(T, "chromedriver-band.log")),
                     options=opts)
failures = []
try:
    d.get(os.environ["BOB_URL"])

    def open_den():
        rooms = d.find_elements(By.CSS_SELECTOR, '#rooms li[data-room="den"]')
        if rooms:
            rooms[0].click()
        return d.find_element(By.ID, "room-title").text == "den"
    try:
        WebDriverWait(d, WAIT, poll_frequency=0.2,
                      ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _: open_den())
    except TimeoutException:
        raise SystemExit("FAIL: bob's page never opened den")

    def told_often():
        # the line was told at least 30 times since the page opened
        events = d.execute_script(
            "return document.querySelectorAll('#security-list li').length")
        count = d.execute_script(
            "const c = document.querySelector('#security-list .count');"
            "return c ? Number(c.dataset.count) : 0")
        return events >= 30 or count >= 30
    try:
        WebDriverWait(d, WAIT, poll_frequency=0.2,
                      ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _: told_often())
    except TimeoutException:
        raise SystemExit("FAIL: the page never showed the repeated SECURITY: line")
    lines = d.execute_script("return document.querySelectorAll('#security-list li').length")
    if lines != 1:
        failures.append("the band holds %d lines for one line told again and again" % lines)
    bottom = d.execute_script(
        "return document.getElementById('send-form').getBoundingClientRect().bottom")
    height = d.execute_script("return window.innerHeight")
    if bottom > height:
        failures.append("the message box is pushed off the screen (%d > %d)" % (bottom, height))
    # the long word (tests/web/hostile.sh sent it before) wraps inside
    # the chat: the messages list does not scroll sideways
    wide = d.execute_script(
        "const m = document.getElementById('messages');"
        "return [m.scrollWidth, m.clientWidth, m.children.length]")
    if wide[2] < 1 or wide[0] > wide[1]:
        failures.append("the messages list is %d px wide in %d px (%d messages)" % tuple(wide))
    d.save_screenshot(os.path.join(T, "band.png"))
finally:
    d.quit()
for f in failures:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if failures else 0)
