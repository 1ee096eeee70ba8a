/* The maps the tc fast path (channel_relay.bpf.c) shares with avedge (src/net/fast_path.cpp).
 * Plain C, host byte order for ports and channel numbers, network order for IPv4 addresses. */
#ifndef AVEDGE_CHANNEL_RELAY_H
#define AVEDGE_CHANNEL_RELAY_H

#include <linux/types.h>

/* ChannelData from a client: its 5-tuple and channel number (RFC 8656 §12). */
struct avedge_to_peer_key {
  __u32 client_ip;
  __u32 server_ip;
  __u16 client_port;
  __u16 server_port;
  __u16 channel;
  __u16 pad;
};

struct avedge_to_peer_value {
  __u32 relay_ip;
  __u32 peer_ip;
  __u16 relay_port;
  __u16 peer_port;
  __u32 pad;
  __u64 expires_ns; /* CLOCK_MONOTONIC: min(channel, permission, allocation) */
  __u64 packets;    /* relayed on this route by the kernel (atomic adds), and its payload bytes */
  __u64 bytes;
};

/* A datagram from a peer to a relayed transport address (RFC 8656 §12.7). */
struct avedge_to_client_key {
  __u32 peer_ip;
  __u32 relay_ip;
  __u16 peer_port;
  __u16 relay_port;
};

struct avedge_to_client_value {
  __u32 server_ip;
  __u32 client_ip;
  __u16 server_port;
  __u16 client_port;
  __u16 channel;
  __u16 pad;
  __u64 expires_ns;
  __u64 packets; /* relayed on this route by the kernel (payload bytes below) */
  __u64 bytes;
};

/* The same for IPv6 (addresses in network order, as 4 words). */
struct avedge_to_peer6_key {
  __u32 client_ip[4];
  __u32 server_ip[4];
  __u16 client_port;
  __u16 server_port;
  __u16 channel;
  __u16 pad;
};

struct avedge_to_peer6_value {
  __u32 relay_ip[4];
  __u32 peer_ip[4];
  __u16 relay_port;
  __u16 peer_port;
  __u32 pad;
  __u64 expires_ns;
  __u64 packets; /* relayed on this route by the kernel (payload bytes below) */
  __u64 bytes;
};

struct avedge_to_client6_key {
  __u32 peer_ip[4];
  __u32 relay_ip[4];
  __u16 peer_port;
  __u16 relay_port;
};

struct avedge_to_client6_value {
  __u32 server_ip[4];
  __u32 client_ip[4];
  __u16 server_port;
  __u16 client_port;
  __u16 channel;
  __u16 pad;
  __u64 expires_ns;
  __u64 packets; /* relayed on this route by the kernel (payload bytes below) */
  __u64 bytes;
};

/* Per-CPU counters, by slot. */
enum avedge_fast_path_counter {
  AVEDGE_FP_TO_PEER_PACKETS = 0,
  AVEDGE_FP_TO_PEER_BYTES,
  AVEDGE_FP_TO_CLIENT_PACKETS,
  AVEDGE_FP_TO_CLIENT_BYTES,
  AVEDGE_FP_DECLINED, /* matched a route but left to the userspace relay (see the program) */
  AVEDGE_FP_COUNTERS
};

#define AVEDGE_FP_MAX_ROUTES 65536

#endif
