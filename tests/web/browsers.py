#!/usr/bin/env python3
"""browsers.py - three users in real headless Chromium, each on its own
`e2e-chat web` (tests/web/browsers.sh starts them and the relay), and a
fourth, dave, on the command line:

alice creates the approve-first room "den" in her page; bob and carol
join in theirs (the password typed in the page) and wait; dave joins on
the command line; alice approves all three in her member list. Then they
chat both ways, the command line included; bob verifies alice's
fingerprint and sees the verified mark on her next message; a message
with markup arrives as text; alice kicks carol and carol's page says so;
what is sent after the kick reaches bob and dave, never carol. Last, the
relay serves a message again under a new number: alice's and bob's pages
show the SECURITY: line in their red band.

Every wait is bounded (WebDriverWait, or a deadline for a command); none
is a fixed sleep. A screenshot of each browser is saved at the end in
$E2E_WEB_SHOTS. Environment: E2E_CLIENT, RELAY_URL, T (the test's work
directory), PASSWORD, E2E_RELAY, RELAY_PID, RELAY_PORT, RELAY_DB, and ALICE_URL, BOB_URL, CAROL_URL (the links the
three `e2e-chat web` printed)."""
import os
import shutil
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 90  # seconds: a bound on every wait, never a pause
T = os.environ["T"]
SHOTS = os.environ["E2E_WEB_SHOTS"]
PASSWORD = os.environ["PASSWORD"]
failures = []


def browser(name):
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--user-data-dir=" + os.path.join(T, "chromium-" + name)):
        opts.add_argument(arg)
    service = Service(executable_path=shutil.which("chromedriver"),
                      log_output=os.path.join(T, "chromedriver-" + name + ".log"))
    d = webdriver.Chrome(service=service, options=opts)
    d.e2e_name = name
    return d


def wait(d, what, cond):
    try:
        # the page redraws its lists as news comes: an element seen a
        # moment ago may be gone, and the condition is tried again
        return WebDriverWait(d, WAIT, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _: cond())
    except TimeoutException:
        raise SystemExit("FAIL: %s's page: %s (not within %d s); notice: %r; status: %r"
                         % (d.e2e_name, what, WAIT, text(d, "notice"), text(d, "room-status")))


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def text(d, element_id):
    try:
        return d.find_element(By.ID, element_id).text
    except WebDriverException:
        return ""


def messages(d):
    for _ in range(50):  # a list redrawn while read is read again
        try:
            return [li.text for li in d.find_elements(By.CSS_SELECTOR, "#messages li")]
        except StaleElementReferenceException:
            continue
    raise SystemExit("FAIL: %s's messages never stood still" % d.e2e_name)


def shows(d, part):
    return any(part in line for line in messages(d))


def member(d, name):
    found = d.find_elements(By.CSS_SELECTOR, '#members li[data-name="%s"]' % name)
    return found[0] if found else None


def click_member_button(d, name, cls, status=None):
    def ready():
        li = member(d, name)
        if not li or (status and li.get_attribute("data-status") != status):
            return None
        buttons = li.find_elements(By.CSS_SELECTOR, "button." + cls)
        return buttons[0] if buttons else None
    def press():
        button = ready()
        if button:
            button.click()
        return button is not None
    wait(d, "a %s button for %s" % (cls, name), press)


def join(d, room, approve=False):
    d.find_element(By.ID, "join-room").send_keys(room)
    d.find_element(By.ID, "join-password").send_keys(PASSWORD)
    if approve:
        d.find_element(By.ID, "join-approve").click()
    d.find_element(By.ID, "join-submit").click()
    wait(d, "the room open", lambda: text(d, "room-title") == room)
    check(d.find_element(By.ID, "join-password").get_attribute("value") == "",
          "%s's page emptied the password field" % d.e2e_name)


def send(d, line):
    wait(d, "the message box enabled", lambda: d.find_element(By.ID, "send-text").is_enabled())
    box = d.find_element(By.ID, "send-text")
    box.send_keys(line)
    d.find_element(By.ID, "send-submit").click()
    wait(d, "the message box emptied after sending", lambda: box.get_attribute("value") == "")


def cli(*args, ok_codes=(0,)):
    env = dict(os.environ, E2E_CHAT_PASSWORD=PASSWORD)
    r = subprocess.run([os.environ["E2E_CLIENT"], "--relay", os.environ["RELAY_URL"], "--home",
                        os.path.join(T, "dave"), "--name", "dave"] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                       timeout=WAIT)
    if r.returncode not in ok_codes:
        raise SystemExit("FAIL: e2e-chat %s: exit %d: %s" % (" ".join(args), r.returncode,
                                                            r.stderr.strip()))
    return r


def until(what, fn):
    deadline = time.monotonic() + WAIT
    while True:
        r = fn()
        if r:
            return r
        if time.monotonic() > deadline:
            raise SystemExit("FAIL: %s (not within %d s)" % (what, WAIT))
        time.sleep(0.2)  # between tries of a bounded poll


def restart_relay_with_replay():
    """Stop the test's relay, copy alice's first message to a new number
    in its database, and start a relay on the same port and database (ours
    to stop: the test's relay_start knows only the first)."""
    pid, port, db = int(os.environ["RELAY_PID"]), os.environ["RELAY_PORT"], os.environ["RELAY_DB"]
    os.kill(pid, 15)
    def gone():
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            return True
    until("the relay's exit", gone)
    subprocess.run(["sqlite3", db, "INSERT INTO messages (room_id, v, sender, epoch, counter, "
                    "nonce, ct, sig, received_at) SELECT room_id, v, sender, epoch, counter, "
                    "nonce, ct, sig, received_at FROM messages WHERE sender = 'alice' "
                    "ORDER BY seq LIMIT 1;"], check=True, timeout=WAIT)
    log = open(os.path.join(T, "relay2.log"), "w")
    relay = subprocess.Popen([os.environ["E2E_RELAY"], "--port", port, "--db", db],
                             stdin=subprocess.DEVNULL, stderr=log)
    until("the relay's restart", lambda: "listening on" in open(log.name).read()
          or relay.poll() is not None)
    if relay.poll() is not None:
        raise SystemExit("FAIL: the relay did not start again: " + open(log.name).read())
    return relay


def main():
    os.makedirs(SHOTS, exist_ok=True)
    users = {}
    relay = None
    try:
        for name in ("alice", "bob", "carol"):
            users[name] = browser(name)
            users[name].get(os.environ[name.upper() + "_URL"])
        alice, bob, carol = users["alice"], users["bob"], users["carol"]
        for name, d in users.items():
            wait(d, "its user named", lambda d=d, name=name: text(d, "me").startswith(name + " @"))
            check(d.execute_script("return location.protocol + '//' + location.hostname")
                  == "http://127.0.0.1", "%s's page is on 127.0.0.1" % name)

        # alice creates an approve-first room; bob and carol join and wait
        join(alice, "den", approve=True)
        wait(alice, "alice is an admin", lambda: "You are an admin" in text(alice, "room-status"))
        for d in (bob, carol):
            join(d, "den")
            wait(d, "waiting to be admitted", lambda d=d: "Waiting" in text(d, "room-status"))
        cli("join", "den", "--no-wait", ok_codes=(3,))  # dave, pending
        for name in ("bob", "carol", "dave"):
            click_member_button(alice, name, "approve", status="pending")
            wait(alice, name + " admitted", lambda name=name: member(alice, name) is not None and
                 member(alice, name).get_attribute("data-status") == "admitted")
        for d in (bob, carol):
            wait(d, "admitted", lambda d=d: "You are a member" in text(d, "room-status"))

        # chat both ways, the command line too
        send(alice, "hello from alice")
        send(bob, "hi from bob")
        send(carol, "carol here")
        until("dave's send", lambda: cli("send", "den", "dave on the command line",
                                         ok_codes=(0, 3)).returncode == 0)
        send(bob, "<b>not bold</b> & <script>alert(1)</script>")
        lines = ("hello from alice", "hi from bob", "carol here", "dave on the command line",
                 "<b>not bold</b> & <script>alert(1)</script>")
        for d in users.values():
            for line in lines:
                wait(d, "shows %r" % line, lambda d=d, line=line: shows(d, line))
            check(not d.find_elements(By.CSS_SELECTOR, "#messages b, #messages script"),
                  "%s's page made elements of a message's markup" % d.e2e_name)
            for line in lines:
                n = sum(1 for m in messages(d) if m.endswith(line))
                check(n == 1, "%s's page shows %r once (%d)" % (d.e2e_name, line, n))
            check(wait(d, "the sender's name on alice's message", lambda d=d: [
                li for li in d.find_elements(By.CSS_SELECTOR, "#messages li.msg")
                if li.find_element(By.CSS_SELECTOR, ".text").text == "hello from alice" and
                li.find_element(By.CSS_SELECTOR, ".sender").text == "alice" and
                li.find_element(By.CSS_SELECTOR, ".time").text.count(":") == 2]),
                  "%s's page names the sender and the sender's time" % d.e2e_name)
        read = until("dave reads the browsers' messages", lambda: (lambda r: r.stdout if all(
            line in r.stdout for line in lines[:3]) else None)(cli("read", "den")))
        check("hi from bob" in read and "carol here" in read, "dave reads bob and carol")

        # bob compares alice's fingerprint and accepts it: her next message
        # carries the verified mark on bob's page
        click_member_button(bob, "alice", "verify")
        wait(bob, "alice's fingerprint", lambda: text(bob, "fingerprint").startswith("alice: "))
        fp_bob = text(bob, "fingerprint").split(": ", 1)[1].split(" (")[0]
        fp_alice = member(alice, "alice").find_element(By.CSS_SELECTOR, ".fp").text
        check(fp_bob == fp_alice, "bob sees the fingerprint alice's page shows for her (%r, %r)"
              % (fp_bob, fp_alice))
        click_member_button(bob, "alice", "accept")
        wait(bob, "alice verified", lambda: "(verified)" in text(bob, "fingerprint"))
        send(alice, "a verified hello")
        wait(bob, "the verified message", lambda: shows(bob, "a verified hello"))
        marked = [li for li in bob.find_elements(By.CSS_SELECTOR, "#messages li.msg")
                  if li.text.endswith("a verified hello") and li.find_elements(By.CSS_SELECTOR, ".mark")]
        check(len(marked) == 1, "bob's page marks alice's message verified")

        # alice kicks carol: carol's page says so; what follows never reaches her
        click_member_button(alice, "carol", "kick", status="admitted")
        wait(carol, "the kick shown", lambda: shows(carol, "Session ended"))
        wait(carol, "the ended status", lambda: "ended" in text(carol, "room-status"))
        check(not carol.find_element(By.ID, "send-text").is_enabled(),
              "carol's message box is disabled after the kick")
        wait(bob, "carol's removal", lambda: shows(bob, "carol was removed"))
        send(alice, "after the kick")
        wait(bob, "the message after the kick", lambda: shows(bob, "after the kick"))
        until("dave reads the message after the kick",
              lambda: "after the kick" in cli("read", "den").stdout)
        check(not shows(carol, "after the kick"), "carol's page never shows what followed the kick")
        print("kicked page says: " + " | ".join(m for m in messages(carol) if "ended" in m))

        # the relay's operator serves alice's first message again under a
        # new number: alice's and bob's pages show the SECURITY: line in
        # their red band, and the message still once
        relay = restart_relay_with_replay()
        until("dave's send after the replay", lambda: cli("send", "den", "after the replay",
                                                          ok_codes=(0, 6)).returncode == 0)
        for d in (alice, bob):
            wait(d, "the message after the replay", lambda d=d: shows(d, "after the replay"))
            wait(d, "the SECURITY: band", lambda d=d: d.find_element(By.ID, "security").is_displayed()
                 and "SECURITY: " in text(d, "security-list"))
            wait(d, "the relay back", lambda d=d: "away" not in text(d, "room-status") and
                 "You " in text(d, "room-status"))
            n = sum(1 for m in messages(d) if m.endswith("hello from alice"))
            check(n == 1, "%s's page shows the replayed message once (%d)" % (d.e2e_name, n))
        print("security band says: " + text(bob, "security-list"))
    finally:
        for name, d in users.items():
            try:
                d.save_screenshot(os.path.join(SHOTS, name + ".png"))
            except WebDriverException as e:
                print("no screenshot of %s: %s" % (name, e), file=sys.stderr)
            d.quit()
        if relay:
            relay.terminate()
            relay.wait(timeout=WAIT)
    if failures:
        raise SystemExit("FAIL: %d check(s) failed" % len(failures))
    print("web_browsers: three browsers and a command-line member chatted; screenshots in " + SHOTS)


main()
