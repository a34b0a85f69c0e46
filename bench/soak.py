#!/usr/bin/env python3
"""Mixed load on the packaged jar with kill -9 restarts, then every invariant checked. Run it through bench/soak.

Load, all at once: asynchronous trigger calls (some flows call out over HTTP or wait on a timer), calls that continue
sessions, waiting trigger calls, chat front ends on the conversation API (waiting or not), two webhook subscriptions
(one ordered) to a receiver that fails 8% of first attempts, a project SSE stream, and an operator retrying
deliveries and editing a trigger. Clients behave as careful clients do: through a crash they send again with the same
Idempotency-Key. With --pg, two nodes share the database and the first is the one killed.

Checked at the end: every acknowledged event completed; each conversation's messages numbered 1, 2, 3 ...; each
session's replies in the order its events were sent, its counter variable counting each once; every bot message
delivered to both subscriptions, the ordered one in seq order per conversation; the SSE stream gapless and without
repeats across reconnects; webhook signatures valid; no 5xx other than 503.
"""
import argparse, base64, gc, hashlib, hmac, http.client, json, os, random, shutil, signal, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument("--seconds", type=int, default=90, help="how long the load runs (default 90)")
args.add_argument("--kill-at", type=int, default=45, help="first kill -9, seconds into the load (default 45)")
args.add_argument("--kill-every", type=int, default=0, help="then again every N seconds (default: once)")
args.add_argument("--pg", help="a PostgreSQL JDBC URL (an empty database); user and password from PGUSER, PGPASSWORD")
args.add_argument("--work", default="target/soak", help="data and logs (default target/soak)")
opts = args.parse_args()
if not 0 < opts.kill_at <= opts.seconds - 15:
    args.error("--kill-at must fall inside the load and leave it 15 s after")

JAVA = os.environ.get("JAVA", "java")
JAR = os.path.abspath("target/switchboard.jar")
ADMIN = "soak-admin-token"
NODES = 2 if opts.pg else 1
BASE_PORT = 19000 + random.randint(0, 900)
PORTS = [BASE_PORT + i for i in range(NODES)]
shutil.rmtree(opts.work, ignore_errors=True)
os.makedirs(opts.work)

stop = threading.Event()
problems = []


def problem(text):
    problems.append(text)
    print("PROBLEM:", text, flush=True)


# ---- the webhook receiver ----
received = {}              # subscription name -> [(webhook-id, body)]
failed_once = set()
receiver_lock = threading.Lock()
secrets = {}


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/skill"):
            return self.answer(200, b'{"ok":true}')
        name = self.path.strip("/")
        wid, ts = self.headers.get("webhook-id"), self.headers.get("webhook-timestamp")
        key = base64.b64decode(secrets[name][len("whsec_"):])
        want = "v1," + base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        if want not in (self.headers.get("webhook-signature") or "").split(" "):
            problem(f"bad signature on {name} {wid}")
        with receiver_lock:
            fail = wid not in failed_once and random.random() < 0.08
            if fail:
                failed_once.add(wid)
            else:
                received.setdefault(name, []).append((wid, json.loads(body)))
        if fail:
            return self.answer(503, b"{}", {"Retry-After": "1"})
        if random.random() < 0.05:
            time.sleep(0.2)
        self.answer(200, b"{}")

    def answer(self, status, body, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer.request_queue_size = 128
receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
receiver.daemon_threads = True
receiver.handle_error = lambda *a: None  # a killed node's connections end mid-request
threading.Thread(target=receiver.serve_forever, daemon=True).start()


# Everything received is kept for the checks, and Python's full collections scan all of it: past about 200,000
# bodies one stopped every thread here for 2.5 s, longer than the flows' skill calls may take, so their events
# failed. Objects kept so far are frozen (left out of collections) every 2 s.
def freeze_what_is_kept():
    while not stop.wait(2):
        gc.freeze()


threading.Thread(target=freeze_what_is_kept, daemon=True).start()
HOOK = f"http://127.0.0.1:{receiver.server_port}"

# ---- nodes ----
nodes = {}


def start_node(i):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")}
    env.update(SWITCHBOARD_ADMIN_TOKEN=ADMIN, SWITCHBOARD_DEMO="false", SWITCHBOARD_HTTP_PORT=str(PORTS[i]),
               SWITCHBOARD_DATA_DIR=f"{opts.work}/data{i}", SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE="true")
    if opts.pg:
        env.update(SWITCHBOARD_DB_URL=opts.pg, SWITCHBOARD_DB_USER=os.environ.get("PGUSER", "postgres"),
                   SWITCHBOARD_DB_PASSWORD=os.environ.get("PGPASSWORD", "postgres"),
                   SWITCHBOARD_SECRET_KEY=base64.b64encode(b"soak-key-soak-key-soak-key-32byt").decode())
    log = open(f"{opts.work}/node{i}.log", "a")
    nodes[i] = subprocess.Popen([JAVA, "-XX:+UseParallelGC", "-Xmx256m", "-jar", JAR, "serve"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORTS[i], timeout=5)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"node {i} not ready; see {opts.work}/node{i}.log")


local = threading.local()


def call(method, path, body=None, token=ADMIN, headers=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    data = None if body is None else json.dumps(body).encode()
    for attempt in range(2):
        try:
            if getattr(local, "c", None) is None:
                local.c = http.client.HTTPConnection("127.0.0.1", getattr(local, "port", PORTS[-1]), timeout=30)
            local.c.request(method, path, data, h)
            r = local.c.getresponse()
            raw = r.read()
            break
        except OSError:
            local.c = None
            if method != "GET" or attempt == 1:
                raise
    try:
        js = json.loads(raw) if raw else None
    except ValueError:
        js = raw
    if r.status >= 500 and r.status != 503:
        problem(f"{method} {path} -> {r.status} {raw[:300]!r}")
    return r.status, js


def call_through_crash(method, path, body=None, token=ADMIN, headers=None):
    """A careful client: sends again (same Idempotency-Key, when given) until the node answers."""
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            status, js = call(method, path, body, token, headers)
            if status != 503:
                return status, js
            time.sleep(0.2)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{method} {path} never answered")


def get_all(path):
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        _, page = call("GET", path + sep + "limit=500" + (f"&cursor={cursor}" if cursor else ""))
        items += page["items"]
        cursor = page.get("nextCursor")
        if not cursor:
            return items


BOT = """
variables: { count: 0 }
on:
  trigger: { "*": t }
  message: m
nodes:
  t:
    - set: { count: "vars.count + 1" }
    - say: "t {{event.payload.n}} c{{vars.count}}"
    - if: 'event.payload.n % 7 == 0'
      then:
        - http: { method: POST, url: "%HOOK%/skill", into: r, timeout: 2s }
        - say: "http {{event.payload.n}} {{vars.r.status}}"
    - if: 'event.payload.n % 11 == 0 && event.payload.waits'
      then:
        - set: { waitedFor: "event.payload.n" }
        - wait: 1s
        - say: "waited {{vars.waitedFor}}"
  m:
    - set: { count: "vars.count + 1" }
    - say: "m {{event.text}} c{{vars.count}}"
""".replace("%HOOK%", HOOK)


def replies_to_trigger(n, count, waits):
    out = [f"t {n} c{count}"]
    if n % 7 == 0:
        out.append(f"http {n} 200")
    if n % 11 == 0 and waits:
        out.append(f"waited {n}")
    return out


def texts(messages):
    return [m["payload"].get("text") for m in messages if m["role"] == "bot"]


def main():
    for i in range(NODES):
        start_node(i)
    _, p = call("POST", "/v1/projects", {"name": "soak"})
    project = p["id"]
    _, b = call("POST", f"/v1/projects/{project}/bots", {"name": "b", "definition": BOT, "publish": True})
    bot = b["id"]

    def trigger(name, **fields):
        status, t = call("POST", f"/v1/projects/{project}/triggers", dict(name=name, botId=bot, **fields))
        assert status == 201, t
        return t

    t_async = trigger("async", sessionDurationSeconds=0)
    t_session = trigger("session", sessionDurationSeconds=3600)
    t_sync = trigger("sync", sessionDurationSeconds=0, waitForResponse=True, responseTimeoutMs=5000)
    for name, fields in [("all", {"topics": ["message.created", "conversation.started", "event.completed"]}),
                         ("ordered", {"topics": ["message.created"], "ordered": True})]:
        status, s = call("POST", f"/v1/projects/{project}/subscriptions", dict(url=f"{HOOK}/{name}", **fields))
        assert status == 201, s
        secrets[name] = s["secret"]

    acked = {}         # event id -> (kind, n, waits)
    chats = {}         # conversation id -> texts sent, in order
    sse_seqs = []
    sse_done = threading.Event()

    def follow_stream():
        after = 0
        while not sse_done.is_set():
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORTS[-1], timeout=5)
                c.request("GET", f"/v1/projects/{project}/stream",
                          headers={"Authorization": "Bearer " + ADMIN, "Last-Event-ID": str(after)})
                r = c.getresponse()
                while not sse_done.is_set():
                    line = r.fp.readline()
                    if not line:
                        break
                    if line.startswith(b"id: "):
                        after = int(line[4:])
                        sse_seqs.append(after)
            except OSError:
                time.sleep(0.2)

    def fire(kind, trigger, n, waits, key, query=""):
        status, js = call_through_crash("POST", f"/v1/triggers/{trigger['id']}/events{query}", {"n": n, "waits": waits},
                                        trigger["secret"], {"Idempotency-Key": key})
        if status == 202:
            acked[js["eventId"]] = (kind, n, waits)
        else:
            problem(f"{kind} call: {status} {js}")

    def async_caller(i):
        local.port = PORTS[i % NODES]
        n = 0
        while not stop.is_set():
            n += 1
            fire("async", t_async, n, random.random() < 0.5, f"a{i}-{n}")

    def session_caller(i):
        local.port = PORTS[i % NODES]
        k = 0
        while not stop.is_set():
            k += 1
            session = f"s{i}-{k}"
            for n in range(1, random.randint(5, 30)):
                if stop.is_set():
                    break
                fire("session", t_session, n, False, f"{session}-{n}", f"?session={session}")

    def waiting_caller(i):
        local.port = PORTS[i % NODES]
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, js = call("POST", f"/v1/triggers/{t_sync['id']}/events", {"n": n, "waits": False},
                                  t_sync["secret"])
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                got = [m["payload"].get("text") for m in js["messages"]]
                if got != replies_to_trigger(n, 1, False):
                    problem(f"waiting call n={n} answered {js['status']} {got} {js.get('error') or ''}")
                acked[js["eventId"]] = ("sync", n, False)
            elif status == 408:
                acked[js["eventId"]] = ("sync", n, False)
            elif status != 503:
                problem(f"waiting call: {status} {js}")

    def chat_user(i):
        local.port = PORTS[i % NODES]
        while not stop.is_set():
            try:
                status, c = call("POST", f"/v1/projects/{project}/conversations", {"botId": bot})
            except OSError:
                time.sleep(0.1)
                continue
            if status != 201:
                if status != 503:
                    problem(f"conversation start: {status} {c}")
                continue
            sent = chats[c["id"]] = []
            for j in range(1, random.randint(3, 10)):
                if stop.is_set():
                    break
                wait = random.random() < 0.5
                text = f"u{i}-{j}"
                status, js = call_through_crash("POST", f"/v1/conversations/{c['id']}/messages?wait={str(wait).lower()}",
                                                {"text": text}, headers={"Idempotency-Key": str(j)})
                if status not in (200, 202):
                    problem(f"message: {status} {js}")
                    continue
                sent.append(text)
                if status == 200 and texts(js["replies"]) != [f"m {text} c{len(sent)}"]:
                    problem(f"chat {c['id']}: {texts(js['replies'])} for {text}, message {len(sent)}")

    def operator():
        local.port = PORTS[-1]
        while not stop.is_set():
            time.sleep(2)
            try:
                call("PATCH", f"/v1/triggers/{t_async['id']}", {"meta": {"x": random.randint(0, 9)}})
                _, subs = call("GET", f"/v1/projects/{project}/subscriptions")
                for s in subs["items"]:
                    _, page = call("GET", f"/v1/subscriptions/{s['id']}/deliveries?limit=20")
                    for d in page["items"][:3]:
                        call("POST", f"/v1/deliveries/{d['id']}/retry")
            except (OSError, TypeError, KeyError):
                pass  # the node it asks may be down

    stream = threading.Thread(target=follow_stream, daemon=True)
    stream.start()
    load = [threading.Thread(target=f, args=(i,), daemon=True)
            for f, count in [(async_caller, 4), (session_caller, 4), (waiting_caller, 2), (chat_user, 3)]
            for i in range(count)]
    load.append(threading.Thread(target=operator, daemon=True))
    for t in load:
        t.start()
    started = last_kill = time.time()
    kills = 0
    while time.time() - started < opts.seconds:
        time.sleep(1)
        due = opts.kill_at if kills == 0 else last_kill - started + opts.kill_every
        if (kills == 0 or opts.kill_every) and time.time() - started >= due and time.time() - started <= opts.seconds - 15:
            print(f"kill -9 at {time.time() - started:.0f} s, {len(acked)} events acknowledged", flush=True)
            nodes[0].send_signal(signal.SIGKILL)
            nodes[0].wait()
            start_node(0)
            kills += 1
            last_kill = time.time()
    stop.set()
    for t in load:
        t.join(120)
    print(f"load over: {len(acked)} events acknowledged, {len(chats)} chats, {kills} kills", flush=True)

    local.port = PORTS[-1]
    time.sleep(3)  # the last flows' 1 s waits fire and queue their events
    deadline = time.time() + 180
    while True:
        open_events = sum(len(get_all(f"/v1/projects/{project}/events?status={s}")) for s in ("accepted", "processing"))
        unsettled = sum(1 for s in get_all(f"/v1/projects/{project}/subscriptions")
                        for d in get_all(f"/v1/subscriptions/{s['id']}/deliveries") if d["status"] != "succeeded")
        print(f"open events {open_events}, unsettled deliveries {unsettled}", flush=True)
        if open_events == 0 and unsettled == 0:
            break
        if time.time() > deadline:
            problem(f"not settled after 3 minutes: {open_events} events, {unsettled} deliveries")
            break
        time.sleep(3)
    time.sleep(2)
    sse_done.set()

    events = {}
    for eid in acked:
        _, e = call("GET", f"/v1/events/{eid}")
        events[eid] = e
        if e["status"] != "completed":
            problem(f"event {eid} ({acked[eid][0]}) is {e['status']}: {e.get('result')}")
    messages = {}
    bot_messages = {}  # message id -> (conversation, seq)
    for c in get_all(f"/v1/projects/{project}/conversations"):
        msgs = get_all(f"/v1/conversations/{c['id']}/messages")
        messages[c["id"]] = msgs
        if [m["seq"] for m in msgs] != list(range(1, len(msgs) + 1)):
            problem(f"conversation {c['id']} numbers its messages {[m['seq'] for m in msgs]}")
        for m in msgs:
            if m["role"] == "bot":
                bot_messages[m["id"]] = (c["id"], m["seq"])
    sessions = {}
    for eid, (kind, n, waits) in acked.items():
        conversation = events[eid]["conversationId"]
        if kind == "session":
            sessions.setdefault(conversation, []).append(n)
        elif kind == "async" and texts(messages.get(conversation, [])) != replies_to_trigger(n, 1, waits):
            problem(f"async event {eid} n={n}: {texts(messages.get(conversation, []))}")
    for conversation, ns in sessions.items():
        ns.sort()
        if ns != list(range(1, len(ns) + 1)):
            problem(f"session conversation {conversation} holds events {ns}")
        want = [t for count, n in enumerate(ns, 1) for t in replies_to_trigger(n, count, False)]
        if texts(messages.get(conversation, [])) != want:
            problem(f"session conversation {conversation}: {texts(messages.get(conversation, []))[:8]} ...")
    for conversation, sent in chats.items():
        want = [f"m {t} c{i}" for i, t in enumerate(sent, 1)]
        if texts(messages.get(conversation, [])) != want:
            problem(f"chat {conversation}: {texts(messages.get(conversation, []))} for {sent}")
    for name in ("all", "ordered"):
        seen, order = {}, {}
        for wid, body in received.get(name, []):
            if body["type"] != "message.created":
                continue
            mid = body["data"]["message"]["id"]
            if mid not in seen:
                order.setdefault(body["data"]["conversation"]["id"], []).append(mid)
            seen[mid] = seen.get(mid, 0) + 1
        missing = [m for m in bot_messages if m not in seen]
        if missing:
            problem(f"{name}: {len(missing)} of {len(bot_messages)} bot messages never delivered, e.g. {missing[:3]}")
        print(f"subscription {name}: {len(seen)} messages, {sum(1 for v in seen.values() if v > 1)} more than once")
        if name == "ordered":
            for conversation, mids in order.items():
                seqs = [bot_messages[m][1] for m in mids if m in bot_messages]
                if seqs != sorted(seqs):
                    problem(f"ordered subscription out of order in {conversation}: {seqs}")
    if sse_seqs != list(range(1, len(sse_seqs) + 1)):
        breaks = [(a, b) for a, b in zip(sse_seqs, sse_seqs[1:]) if b != a + 1]
        problem(f"the SSE stream's seqs break {len(breaks)} times, e.g. {breaks[:5]} (first {sse_seqs[:1]})")
    print(f"{len(bot_messages)} bot messages in {len(messages)} conversations; SSE {len(sse_seqs)} items")
    for n in nodes.values():
        n.send_signal(signal.SIGTERM)
        n.wait(30)
    for i in range(NODES):
        shutil.rmtree(f"{opts.work}/data{i}", ignore_errors=True)  # the logs stay
    print(f"{len(problems)} problems; node logs in {opts.work}")
    sys.exit(1 if problems else 0)


main()
