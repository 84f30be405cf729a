"""One headless Chromium page driven over the Chrome DevTools Protocol, in real time, for the dashboard's live test.

usage: cdp_page.py CHROMIUM URL

Starts CHROMIUM headless with a fresh profile and `--remote-debugging-pipe` (the protocol's JSON messages, each ended
by a NUL byte, on the browser's fds 3 (commands in) and 4 (answers and events out)), opens URL in a new page and, once
it has loaded, prints the navigation's answer. Then, for each line on stdin, a command for that page (`{"method":
"Runtime.evaluate", "params": {...}}`), prints its answer as one line on stdout: `{"result": {...}}` or `{"error":
{...}}`. The page's console messages and exceptions go to stderr. At the end of stdin the browser is closed.
"""

import ctypes
import fcntl
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

ANSWER_TIMEOUT = 30


class PipeBrowser:
    def __init__(self, chromium, profile):
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()

        def on_fds_3_and_4():
            # Copies above 9 first, so that dup2 onto 3 or 4 never overwrites a pipe end already sitting there.
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)
            # The browser dies with this driver (PR_SET_PDEATHSIG), whatever ends it.
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)

        self.process = subprocess.Popen(
            [
                chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--window-size=1280,900",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=on_fds_3_and_4,
            close_fds=False,  # the pipes on 3 and 4 must survive; every other descriptor here is close-on-exec
        )
        os.close(commands_read)
        os.close(answers_write)
        self.next_id = 0
        self.pending = {}
        self.lock = threading.Lock()
        threading.Thread(target=self.read_answers, daemon=True).start()

    def read_answers(self):
        buffer = b""
        while True:
            chunk = os.read(self.answers, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self.lock:
                        waiter = self.pending.pop(message["id"], None)
                    if waiter:
                        waiter.put(message)
                else:
                    self.report_event(message)
        with self.lock:
            for waiter in self.pending.values():
                waiter.put({"error": {"message": "the browser closed its DevTools pipe"}})
            self.pending.clear()

    @staticmethod
    def report_event(message):
        params = message.get("params", {})
        if message.get("method") == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            print(f"console.{params.get('type')}: {text}", file=sys.stderr, flush=True)
        elif message.get("method") == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description", details.get("text"))
            print(f"page exception: {text}", file=sys.stderr, flush=True)

    def call(self, method, params=None, session=None):
        waiter = queue.Queue()
        with self.lock:
            self.next_id += 1
            message = {"id": self.next_id, "method": method, "params": params or {}}
            self.pending[self.next_id] = waiter
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        try:
            answer = waiter.get(timeout=ANSWER_TIMEOUT)
        except queue.Empty:
            return {"error": {"message": f"no answer to {method} within {ANSWER_TIMEOUT} s"}}
        return {"error": answer["error"]} if "error" in answer else {"result": answer.get("result", {})}

    def loaded(self, session):
        """Waits until the navigated document (not the first about:blank) has loaded."""
        deadline = time.monotonic() + ANSWER_TIMEOUT
        check = {"expression": 'location.href !== "about:blank" && document.readyState === "complete"'}
        while time.monotonic() < deadline:
            answer = self.call("Runtime.evaluate", check, session=session)
            if answer.get("result", {}).get("result", {}).get("value") is True:
                return True
            time.sleep(0.1)
        return False

    def close(self):
        self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def required(answer, what):
    if "error" in answer:
        sys.exit(f"{what}: {answer['error']}")
    return answer["result"]


def main():
    chromium, url = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="cdp-profile-", ignore_cleanup_errors=True) as profile:
        browser = PipeBrowser(chromium, profile)
        try:
            target = required(browser.call("Target.createTarget", {"url": "about:blank"}), "Target.createTarget")
            attached = browser.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
            session = required(attached, "Target.attachToTarget")["sessionId"]
            required(browser.call("Runtime.enable", session=session), "Runtime.enable")
            required(browser.call("Page.enable", session=session), "Page.enable")
            navigated = browser.call("Page.navigate", {"url": url}, session=session)
            if "errorText" in navigated.get("result", {}):
                navigated = {"error": {"message": f"{url}: {navigated['result']['errorText']}"}}
            elif "result" in navigated and not browser.loaded(session):
                navigated = {"error": {"message": f"{url} did not finish loading within {ANSWER_TIMEOUT} s"}}
            print(json.dumps(navigated), flush=True)
            for line in sys.stdin:
                if line.strip():
                    command = json.loads(line)
                    answer = browser.call(command["method"], command.get("params"), session=session)
                    print(json.dumps(answer), flush=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
