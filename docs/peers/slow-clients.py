#!/usr/bin/env python3
"""Slow clients against an HTTP job server: N connections each send the headers of a
POST /jobs/fib with Content-Length: 100 and only part of the body, and hold. While they hold,
times GET /health and checks a fib job's answer from another client.

    python3 docs/peers/slow-clients.py http://127.0.0.1:8080 [connections]   (default 50)
"""
import http.client
import socket
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
host, port = base.hostname, base.port

held = []
for _ in range(count):
    s = socket.create_connection((host, port))
    s.sendall(b"POST /jobs/fib HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100\r\n\r\n{\"n\": ")
    held.append(s)
time.sleep(0.5)  # let the server read what was sent

client = http.client.HTTPConnection(host, port, timeout=10)
millis = []
for _ in range(20):
    start = time.perf_counter()
    client.request("GET", "/health")
    reply = client.getresponse()
    reply.read()
    millis.append((time.perf_counter() - start) * 1000)
    assert reply.status == 200, reply.status
start = time.perf_counter()
client.request("POST", "/jobs/fib", body=b'{"n": 25}', headers={"Content-Type": "application/json"})
reply = client.getresponse()
body = reply.read().decode()
job_ms = (time.perf_counter() - start) * 1000
millis.sort()
print("slow clients: %d held; GET /health x20: median %.2f ms, max %.2f ms; POST fib 25: %d %s in %.2f ms"
      % (count, millis[len(millis) // 2], millis[-1], reply.status, body, job_ms))
for s in held:
    s.close()
