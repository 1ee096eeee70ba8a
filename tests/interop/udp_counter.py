#!/usr/bin/env python3
"""A UDP peer that counts (and echoes) datagrams until SIGTERM, then prints 'received=N'.
Used to prove that nothing reaches a peer the relay must refuse."""
import signal
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, port))
count = 0


def done(*_):
    print(f"received={count}", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, done)
print("listening", flush=True)
while True:
    data, addr = s.recvfrom(65535)
    count += 1
    s.sendto(data, addr)
