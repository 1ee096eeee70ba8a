/* The IPv6 half of channel_relay.bpf.c (included by it, after its common helpers).
 *
 * The same rewrites as for IPv4, with one difference: over IPv6 the UDP checksum is mandatory
 * (RFC 8200 §8.1), so it is updated, not cleared. Every change (addresses and length in the
 * pseudo-header, ports and length in the header, the 4 bytes of ChannelData header taken out
 * or put in) goes through bpf_l4_csum_replace() on the packet as it came, before the headers
 * move: the helper knows whether the field holds a full checksum or only the pseudo-header's
 * part that a device completes (CHECKSUM_PARTIAL), and updates it accordingly. Padding after
 * the data must be zero (it then adds nothing to the sum). */

#define L4_OFF6 (ETH_HLEN + sizeof(struct ipv6hdr))
#define CD_OFF6 (L4_OFF6 + sizeof(struct udphdr))
#define CHECK_OFF6 (L4_OFF6 + 6) /* struct udphdr: source, dest, len, check */

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, AVEDGE_FP_MAX_ROUTES);
  __type(key, struct avedge_to_peer6_key);
  __type(value, struct avedge_to_peer6_value);
} fp6_to_peer SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, AVEDGE_FP_MAX_ROUTES);
  __type(key, struct avedge_to_client6_key);
  __type(value, struct avedge_to_client6_value);
} fp6_to_client SEC(".maps");

/* Copies `len` bytes of the packet from `from` down to `to` (to < from), in chunks: the
 * payload moves, the headers stay where they are. A datagram sent on this host leaves its
 * UDP checksum to the device at an offset from the UDP header (CHECKSUM_PARTIAL) that
 * bpf_skb_adjust_room() would not move; a receiver would then find the offset before its
 * UDP header and verify a checksum that is only the pseudo-header's part. */
#define MOVE_CHUNK 64
#define MOVE_MAX (24 * MOVE_CHUNK) /* 1536 bytes: larger datagrams go to userspace */

static __always_inline int move_down(struct __sk_buff* skb, __u32 to, __u32 from, __u32 len) {
  __u8 buf[2 * MOVE_CHUNK];
  for (__u32 done = 0; done < MOVE_MAX; done += MOVE_CHUNK) {
    if (done >= len) return 0;
    __u32 n = len - done;
    if (n > MOVE_CHUNK) n = MOVE_CHUNK;
    asm volatile("" : "+r"(n)); /* keep the mask below: the bound the verifier can see */
    n &= 2 * MOVE_CHUNK - 1;    /* 0..127, within buf */
    if (n == 0) return -1;
    if (bpf_skb_load_bytes(skb, from + done, buf, n) != 0) return -1;
    if (bpf_skb_store_bytes(skb, to + done, buf, n, BPF_F_RECOMPUTE_CSUM) != 0) return -1;
  }
  return len <= MOVE_MAX ? 0 : -1;
}

static __always_inline int is_loopback6(const __u32* a) {
  return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == bpf_htonl(1);
}

static __always_inline void plan_exit6(struct __sk_buff* skb, const __u32* saddr,
                                       const __u32* daddr, __u16 sport, __u16 dport, __u16 tot_len,
                                       struct exit_plan* plan) {
  const int on_loopback = skb->ingress_ifindex == LOOPBACK_IFINDEX;
  if (is_loopback6(daddr)) {
    plan->kind = on_loopback ? EXIT_STACK : EXIT_LOOPBACK;
    return;
  }
  struct bpf_fib_lookup fib = {};
  fib.family = AF_INET6;
  fib.l4_protocol = IPPROTO_UDP;
  fib.sport = sport;
  fib.dport = dport;
  fib.tot_len = tot_len;
  __builtin_memcpy(fib.ipv6_src, saddr, 16);
  __builtin_memcpy(fib.ipv6_dst, daddr, 16);
  fib.ifindex = skb->ingress_ifindex;
  plan_from_fib(bpf_fib_lookup(skb, &fib, sizeof(fib), 0), on_loopback, &fib, plan);
}

/* Updates the UDP checksum of the packet as it came for new addresses, ports and length, and
 * for `cd_from` becoming `cd_to` (the ChannelData header taken out: header -> 0; put in:
 * 0 -> header). Returns the new checksum field, or -1. */
static __always_inline long update_checksum6(struct __sk_buff* skb, const __u32* old_addrs,
                                             const __u32* new_addrs, __u32 old_ports,
                                             __u32 new_ports, __u16 old_len, __u16 new_len,
                                             __u32 cd_from, __u32 cd_to) {
  const __s64 diff = bpf_csum_diff((__be32*)old_addrs, 32, (__be32*)new_addrs, 32, 0);
  if (diff < 0) return -1;
  if (bpf_l4_csum_replace(skb, CHECK_OFF6, 0, diff, BPF_F_PSEUDO_HDR) != 0) return -1;
  /* RFC 8200 §8.1: the pseudo-header carries the length as 32 bits, the header as 16. */
  if (bpf_l4_csum_replace(skb, CHECK_OFF6, bpf_htonl(old_len), bpf_htonl(new_len),
                          BPF_F_PSEUDO_HDR | 4) != 0) {
    return -1;
  }
  if (bpf_l4_csum_replace(skb, CHECK_OFF6, old_ports, new_ports, 4) != 0) return -1;
  if (bpf_l4_csum_replace(skb, CHECK_OFF6, bpf_htons(old_len), bpf_htons(new_len), 2) != 0) {
    return -1;
  }
  if (bpf_l4_csum_replace(skb, CHECK_OFF6, cd_from, cd_to, 4) != 0) return -1;
  __u16 check = 0;
  if (bpf_skb_load_bytes(skb, CHECK_OFF6, &check, sizeof(check)) != 0) return -1;
  return check == 0 ? 0xFFFF : check; /* RFC 768: a computed 0 is sent as all ones */
}

static __always_inline int write_headers6(struct __sk_buff* skb, const __u32* addrs, __u16 sport,
                                          __u16 dport, __u16 udp_len, __u16 check) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct ipv6hdr* ip6 = data + L3_OFF;
  struct udphdr* udp = data + L4_OFF6;
  if ((void*)(udp + 1) > end) return -1;
  udp->source = sport;
  udp->dest = dport;
  udp->len = bpf_htons(udp_len);
  udp->check = check;
  __builtin_memcpy(&ip6->saddr, addrs, 16);
  __builtin_memcpy(&ip6->daddr, addrs + 4, 16);
  ip6->payload_len = bpf_htons(udp_len);
  ip6->hop_limit = 64;
  return 0;
}

/* RFC 8656 §12.6 over IPv6. */
static __always_inline int client_to_peer6(struct __sk_buff* skb, __u32 payload) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  const struct ipv6hdr* ip6 = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF6;
  const __u8* cd = data + CD_OFF6;
  if ((void*)(cd + CD_HLEN) > end) return NOT_MINE;
  __u16 channel = 0;
  __u16 data_len = 0;
  if (!channel_header_ok(cd, payload, &channel, &data_len)) return NOT_MINE;
  if (udp->check == 0) return NOT_MINE; /* not a valid IPv6 UDP datagram */
  if (data_len > MOVE_MAX) return NOT_MINE;
  struct avedge_to_peer6_key key = {
      .client_port = bpf_ntohs(udp->source),
      .server_port = bpf_ntohs(udp->dest),
      .channel = channel,
  };
  __builtin_memcpy(key.client_ip, &ip6->saddr, 16);
  __builtin_memcpy(key.server_ip, &ip6->daddr, 16);
  struct avedge_to_peer6_value* v = bpf_map_lookup_elem(&fp6_to_peer, &key);
  if (!v) return NOT_MINE;
  if (bpf_ktime_get_ns() >= v->expires_ns) return NOT_MINE;
  const __u32 pad = payload - CD_HLEN - data_len;
  if (pad > 0) {
    /* The last 4 bytes of the datagram end with the padding, which must be zero. */
    __u32 tail = 0;
    if (bpf_skb_load_bytes(skb, skb->len - 4, &tail, 4) != 0) return NOT_MINE;
    const __u32 mask = bpf_htonl((1U << (8 * pad)) - 1);
    if (tail & mask) return NOT_MINE;
  }
  __u32 old_addrs[8];
  __u32 new_addrs[8];
  __builtin_memcpy(old_addrs, key.client_ip, 16);
  __builtin_memcpy(old_addrs + 4, key.server_ip, 16);
  __builtin_memcpy(new_addrs, v->relay_ip, 16);
  __builtin_memcpy(new_addrs + 4, v->peer_ip, 16);
  const __u16 sport = bpf_htons(v->relay_port);
  const __u16 dport = bpf_htons(v->peer_port);
  const __u16 old_len = sizeof(struct udphdr) + payload;
  const __u16 udp_len = sizeof(struct udphdr) + data_len;
  __u32 old_ports = 0;
  __u32 cd_word = 0;
  __builtin_memcpy(&old_ports, udp, 4);
  __builtin_memcpy(&cd_word, cd, 4);
  const __u32 new_ports = ((__u32)dport << 16) | sport; /* in memory order: sport, dport */
  struct exit_plan plan = {};
  plan_exit6(skb, new_addrs, new_addrs + 4, sport, dport, udp_len + sizeof(struct ipv6hdr), &plan);
  if (plan.kind == EXIT_DECLINE) {
    count(AVEDGE_FP_DECLINED, 1);
    return NOT_MINE;
  }
  const long check = update_checksum6(skb, old_addrs, new_addrs, old_ports, new_ports, old_len,
                                      udp_len, cd_word, 0);
  if (check < 0) return TC_ACT_SHOT;
  /* The payload moves over the ChannelData header; the UDP header stays (see move_down). */
  if (move_down(skb, CD_OFF6, CD_OFF6 + CD_HLEN, data_len) != 0) return TC_ACT_SHOT;
  if (bpf_skb_change_tail(skb, L4_OFF6 + udp_len, 0) != 0) return TC_ACT_SHOT;
  if (write_headers6(skb, new_addrs, sport, dport, udp_len, (__u16)check) != 0) {
    return TC_ACT_SHOT;
  }
  count_relayed(0, &v->packets, &v->bytes, data_len);
  return take_exit(skb, &plan);
}

/* RFC 8656 §12.7 over IPv6. */
static __always_inline int peer_to_client6(struct __sk_buff* skb, __u32 payload) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  const struct ipv6hdr* ip6 = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF6;
  if ((void*)(udp + 1) > end) return NOT_MINE;
  if (udp->check == 0) return NOT_MINE;
  struct avedge_to_client6_key key = {
      .peer_port = bpf_ntohs(udp->source),
      .relay_port = bpf_ntohs(udp->dest),
  };
  __builtin_memcpy(key.peer_ip, &ip6->saddr, 16);
  __builtin_memcpy(key.relay_ip, &ip6->daddr, 16);
  struct avedge_to_client6_value* v = bpf_map_lookup_elem(&fp6_to_client, &key);
  if (!v) return NOT_MINE;
  if (bpf_ktime_get_ns() >= v->expires_ns) return NOT_MINE;
  if (payload > 0xFFFF - sizeof(struct udphdr) - CD_HLEN) return NOT_MINE;
  __u32 old_addrs[8];
  __u32 new_addrs[8];
  __builtin_memcpy(old_addrs, key.peer_ip, 16);
  __builtin_memcpy(old_addrs + 4, key.relay_ip, 16);
  __builtin_memcpy(new_addrs, v->server_ip, 16);
  __builtin_memcpy(new_addrs + 4, v->client_ip, 16);
  const __u16 sport = bpf_htons(v->server_port);
  const __u16 dport = bpf_htons(v->client_port);
  const __u16 channel = v->channel;
  const __u16 old_len = sizeof(struct udphdr) + payload;
  const __u16 udp_len = sizeof(struct udphdr) + CD_HLEN + payload;
  __u32 old_ports = 0;
  __builtin_memcpy(&old_ports, udp, 4);
  const __u32 new_ports = ((__u32)dport << 16) | sport;
  const __u32 cd_word = bpf_htonl(((__u32)channel << 16) | payload);
  struct exit_plan plan = {};
  plan_exit6(skb, new_addrs, new_addrs + 4, sport, dport, udp_len + sizeof(struct ipv6hdr), &plan);
  if (plan.kind == EXIT_DECLINE) {
    count(AVEDGE_FP_DECLINED, 1);
    return NOT_MINE;
  }
  const long check = update_checksum6(skb, old_addrs, new_addrs, old_ports, new_ports, old_len,
                                      udp_len, 0, cd_word);
  if (check < 0) return TC_ACT_SHOT;
  if (bpf_skb_adjust_room(skb, CD_HLEN, BPF_ADJ_ROOM_NET, 0) != 0) return TC_ACT_SHOT;
  if (write_headers6(skb, new_addrs, sport, dport, udp_len, (__u16)check) != 0) {
    return TC_ACT_SHOT;
  }
  data = (void*)(long)skb->data;
  end = (void*)(long)skb->data_end;
  __u8* out = data + CD_OFF6;
  if ((void*)(out + CD_HLEN) > end) return TC_ACT_SHOT;
  __builtin_memcpy(out, &cd_word, CD_HLEN);
  count_relayed(1, &v->packets, &v->bytes, payload);
  return take_exit(skb, &plan);
}

static __always_inline int relay6(struct __sk_buff* skb) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  if (data + CD_OFF6 + CD_HLEN > end) {
    if (skb->len < CD_OFF6 + CD_HLEN || bpf_skb_pull_data(skb, CD_OFF6 + CD_HLEN) != 0) {
      return TC_ACT_OK;
    }
    data = (void*)(long)skb->data;
    end = (void*)(long)skb->data_end;
  }
  const struct ipv6hdr* ip6 = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF6;
  if ((void*)(udp + 1) > end) return TC_ACT_OK;
  /* UDP right after the fixed header: no extension headers, so no fragments either. */
  if (ip6->version != 6 || ip6->nexthdr != IPPROTO_UDP) return TC_ACT_OK;
  const __u32 plen = bpf_ntohs(ip6->payload_len);
  const __u32 udp_len = bpf_ntohs(udp->len);
  if (plen != skb->len - L4_OFF6 || udp_len != plen || udp_len < sizeof(struct udphdr)) {
    return TC_ACT_OK;
  }
  const __u32 payload = udp_len - sizeof(struct udphdr);
  const int to_client = peer_to_client6(skb, payload);
  if (to_client != NOT_MINE) return to_client;
  const int to_peer = client_to_peer6(skb, payload);
  return to_peer != NOT_MINE ? to_peer : TC_ACT_OK;
}
