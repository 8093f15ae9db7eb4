#!/usr/bin/env python3
"""Holds TCP connections open until killed: a stand-in "application" for mattermost_exporter.

    conn_holder.py [--pidfile PATH] [--extra-fds N] ENDPOINT...

ENDPOINT is [PROTO://[USER@]]HOST:PORT[xCOUNT]:
    127.0.0.1:3306x2          two plain TCP connections (no protocol spoken)
    [::1]:3306                one over IPv6
    mysql://mm@127.0.0.1:3306x3      three MySQL/MariaDB sessions logged in as mm
    postgres://mm@127.0.0.1:5432x2   two PostgreSQL sessions logged in as mm (database postgres)

A plain connection to a real database server is dropped by it after its handshake
timeout (MariaDB's connect_timeout counts those as connection errors and may block
the host), so against real servers use mysql:// or postgres://: the session is then
logged in and idle. Passwords come from the environment, never from argv:
CONN_HOLDER_MYSQL_PASSWORD, CONN_HOLDER_POSTGRES_PASSWORD, else CONN_HOLDER_PASSWORD.
MySQL logins use mysql_native_password; PostgreSQL ones SCRAM-SHA-256, md5 or
cleartext, as the server asks.

Every connection is made before the pidfile is written and "ready" is printed on
stdout, so a reader of either sees the full set. A connection the peer closes is
made again (after a second). --extra-fds opens that many /dev/null descriptors
first, so they come before the sockets in /proc/PID/fd. On SIGTERM or SIGINT the
pidfile is removed if it still names this process. Standard library only.
"""
import argparse
import base64
import hashlib
import hmac
import os
import select
import signal
import socket
import struct
import sys
import time


class HolderError(Exception):
    pass


def parse_endpoint(text):
    proto, user = "tcp", None
    if "://" in text:
        proto, text = text.split("://", 1)
        if proto not in ("tcp", "mysql", "postgres"):
            raise HolderError("unknown protocol %r" % proto)
        if "@" in text:
            user, text = text.rsplit("@", 1)
    count = 1
    if text.startswith("["):
        close = text.index("]")
        host, rest = text[1:close], text[close + 1:]
        if not rest.startswith(":"):
            raise HolderError("missing port in %r" % text)
        port_text = rest[1:]
    else:
        host, _, port_text = text.rpartition(":")
    if "x" in port_text:
        port_text, count_text = port_text.split("x", 1)
        count = int(count_text)
    if not host or not port_text.isdigit() or count < 0:
        raise HolderError("bad endpoint %r" % text)
    if proto != "tcp" and not user:
        raise HolderError("%s:// needs a user: %s://USER@HOST:PORT" % (proto, proto))
    return {"proto": proto, "user": user, "host": host, "port": int(port_text), "count": count}


def password_for(proto):
    return os.environ.get("CONN_HOLDER_%s_PASSWORD" % proto.upper(), os.environ.get("CONN_HOLDER_PASSWORD", ""))


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise HolderError("connection closed during the handshake")
        data += chunk
    return data


# --- MySQL / MariaDB -------------------------------------------------------

def mysql_read(sock):
    header = recv_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], recv_exact(sock, length)


def mysql_write(sock, seq, payload):
    sock.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload)


def mysql_native_scramble(password, nonce):
    if not password:
        return b""
    stage1 = hashlib.sha1(password.encode()).digest()
    stage2 = hashlib.sha1(stage1).digest()
    mask = hashlib.sha1(nonce + stage2).digest()
    return bytes(a ^ b for a, b in zip(stage1, mask))


def mysql_error(payload):
    message = payload[3:]
    if message.startswith(b"#"):
        message = message[6:]
    return HolderError("MySQL login failed: " + message.decode(errors="replace"))


def mysql_login(sock, user, password):
    seq, greeting = mysql_read(sock)
    if greeting[0] == 0xFF:
        raise mysql_error(greeting)
    pos = greeting.index(b"\0", 1) + 1 + 4  # server version, connection id
    nonce = greeting[pos:pos + 8]
    pos += 8 + 1 + 2 + 1 + 2 + 2
    auth_length = greeting[pos]
    pos += 1 + 10
    nonce += greeting[pos:pos + max(13, auth_length - 8)].rstrip(b"\0")
    capabilities = 0x1 | 0x4 | 0x200 | 0x8000 | 0x80000  # long password/flag, 4.1, secure conn, plugin auth
    auth = mysql_native_scramble(password, nonce[:20])
    payload = (struct.pack("<IIB", capabilities, 1 << 24, 33) + b"\0" * 23 + user.encode() + b"\0" +
               bytes([len(auth)]) + auth + b"mysql_native_password\0")
    mysql_write(sock, seq + 1, payload)
    while True:
        seq, reply = mysql_read(sock)
        if reply[0] == 0x00:
            return
        if reply[0] == 0xFF:
            raise mysql_error(reply)
        if reply[0] == 0xFE:  # auth switch request
            plugin, _, data = reply[1:].partition(b"\0")
            if plugin != b"mysql_native_password":
                raise HolderError("MySQL login: unsupported auth plugin " + plugin.decode(errors="replace"))
            mysql_write(sock, seq + 1, mysql_native_scramble(password, data.rstrip(b"\0")[:20]))
            continue
        raise HolderError("MySQL login: unexpected reply 0x%02x" % reply[0])


# --- PostgreSQL ------------------------------------------------------------

def pg_read(sock):
    kind = recv_exact(sock, 1)
    (length,) = struct.unpack("!I", recv_exact(sock, 4))
    return kind, recv_exact(sock, length - 4)


def pg_write(sock, kind, body):
    sock.sendall(kind + struct.pack("!I", len(body) + 4) + body)


def pg_error(body):
    fields = dict((part[:1], part[1:]) for part in body.split(b"\0") if part)
    return HolderError("PostgreSQL login failed: " + fields.get(b"M", b"?").decode(errors="replace"))


def pg_login(sock, user, password, database="postgres"):
    params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0application_name\0conn_holder\0\0"
    sock.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    client_nonce = base64.b64encode(os.urandom(18)).decode()
    client_first_bare = "n=,r=" + client_nonce
    server_key_check = None
    while True:
        kind, body = pg_read(sock)
        if kind == b"E":
            raise pg_error(body)
        if kind == b"Z":
            return
        if kind != b"R":
            continue  # ParameterStatus, BackendKeyData, notices
        (code,) = struct.unpack("!I", body[:4])
        if code == 0:
            continue
        if code == 3:  # cleartext
            pg_write(sock, b"p", password.encode() + b"\0")
        elif code == 5:  # md5
            inner = hashlib.md5(password.encode() + user.encode()).hexdigest().encode()
            pg_write(sock, b"p", b"md5" + hashlib.md5(inner + body[4:8]).hexdigest().encode() + b"\0")
        elif code == 10:  # SASL: pick SCRAM-SHA-256
            if b"SCRAM-SHA-256\0" not in body[4:]:
                raise HolderError("PostgreSQL login: no SCRAM-SHA-256 offered")
            first = ("n,," + client_first_bare).encode()
            pg_write(sock, b"p", b"SCRAM-SHA-256\0" + struct.pack("!I", len(first)) + first)
        elif code == 11:  # SASL continue: server-first-message
            server_first = body[4:].decode()
            attrs = dict(item.split("=", 1) for item in server_first.split(","))
            if not attrs["r"].startswith(client_nonce):
                raise HolderError("PostgreSQL login: server nonce mismatch")
            salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
            client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            stored_key = hashlib.sha256(client_key).digest()
            final_without_proof = "c=biws,r=" + attrs["r"]
            auth_message = ",".join([client_first_bare, server_first, final_without_proof]).encode()
            signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
            server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
            server_key_check = hmac.new(server_key, auth_message, hashlib.sha256).digest()
            pg_write(sock, b"p", (final_without_proof + ",p=" + base64.b64encode(proof).decode()).encode())
        elif code == 12:  # SASL final: check the server's signature
            verifier = dict(item.split("=", 1) for item in body[4:].decode().split(","))
            if server_key_check is None or base64.b64decode(verifier.get("v", "")) != server_key_check:
                raise HolderError("PostgreSQL login: bad server signature")
        else:
            raise HolderError("PostgreSQL login: unsupported authentication request %d" % code)


# --- holding ---------------------------------------------------------------

def connect(endpoint, timeout=10.0):
    family = socket.AF_INET6 if ":" in endpoint["host"] else socket.AF_UNSPEC
    infos = socket.getaddrinfo(endpoint["host"], endpoint["port"], family, socket.SOCK_STREAM)
    af, kind, proto, _, address = infos[0]
    sock = socket.socket(af, kind, proto)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        if endpoint["proto"] == "mysql":
            mysql_login(sock, endpoint["user"], password_for("mysql"))
        elif endpoint["proto"] == "postgres":
            pg_login(sock, endpoint["user"], password_for("postgres"))
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        return sock
    except BaseException:
        sock.close()
        raise


def write_pidfile(path):
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoints", nargs="+", metavar="ENDPOINT")
    parser.add_argument("--pidfile")
    parser.add_argument("--extra-fds", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        endpoints = [parse_endpoint(text) for text in args.endpoints]
    except (HolderError, ValueError) as error:
        parser.error(str(error))

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    extra = [os.open(os.devnull, os.O_RDONLY) for _ in range(args.extra_fds)]
    held = {}  # socket -> endpoint
    try:
        for endpoint in endpoints:
            for _ in range(endpoint["count"]):
                held[connect(endpoint)] = endpoint
    except (OSError, HolderError) as error:
        print("conn_holder: cannot connect: %s" % error, file=sys.stderr)
        return 1
    try:
        if args.pidfile:
            write_pidfile(args.pidfile)
        print("ready %d connections %d extra fds" % (len(held), len(extra)), flush=True)
        lost = []  # endpoints to connect again
        while True:
            readable, _, _ = select.select(list(held), [], [], 1.0)
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    lost.append(held.pop(sock))
                    sock.close()
            still_lost = []
            for endpoint in lost:
                try:
                    held[connect(endpoint)] = endpoint
                except (OSError, HolderError) as error:
                    print("conn_holder: reconnect failed: %s" % error, file=sys.stderr, flush=True)
                    still_lost.append(endpoint)
            lost = still_lost
            if lost:
                time.sleep(1.0)
    finally:
        if args.pidfile:
            try:
                with open(args.pidfile) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.unlink(args.pidfile)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
