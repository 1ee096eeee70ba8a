/* avedge's kernel fast path for channel-bound UDP (issue 7 item 4), a tc ingress program.
 *
 * ChannelData from a client whose 5-tuple and channel are in to_peer leaves as a plain UDP
 * datagram from the relayed address to the peer (RFC 8656 §12.6); a datagram from a peer whose
 * address pair is in to_client leaves as ChannelData to the client (RFC 8656 §12.7). avedge
 * fills the maps on ChannelBind and CreatePermission and empties them when a channel, its
 * permission or its allocation goes; an entry also carries the moment it lapses, so a packet
 * after that goes to the userspace relay, which drops it by the RFC's rules.
 *
 * IPv4 and IPv6 (channel_relay_v6.bpf.h). Anything the program does not handle (no route
 * entry, IP options or extension headers, fragments, GSO, a destination the FIB cannot forward
 * to) is passed on untouched: the userspace relay handles it exactly as without the fast path.
 * IPv4 UDP checksums are set to 0 (RFC 768: none); IPv6 ones are updated. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "channel_relay.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, AVEDGE_FP_MAX_ROUTES);
  __type(key, struct avedge_to_peer_key);
  __type(value, struct avedge_to_peer_value);
} fp_to_peer SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, AVEDGE_FP_MAX_ROUTES);
  __type(key, struct avedge_to_client_key);
  __type(value, struct avedge_to_client_value);
} fp_to_client SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, AVEDGE_FP_COUNTERS);
  __type(key, __u32);
  __type(value, __u64);
} fp_counters SEC(".maps");

#define L3_OFF ETH_HLEN
#define L4_OFF (ETH_HLEN + sizeof(struct iphdr))
#define CD_OFF (L4_OFF + sizeof(struct udphdr))
#define CD_HLEN 4
#define LOOPBACK_IFINDEX 1
#define NOT_MINE (-1) /* the packet is untouched: pass it on */

static __always_inline void count(__u32 slot, __u64 n) {
  __u64* v = bpf_map_lookup_elem(&fp_counters, &slot);
  if (v) *v += n;
}

/* A relayed datagram: the edge's counters of its direction (per CPU), and its route's own,
 * which avedge reads for the allocation (a route's datagrams can be relayed on several CPUs at
 * once: atomic adds). */
static __always_inline void count_relayed(int to_client, __u64* route_packets, __u64* route_bytes,
                                          __u64 payload) {
  count(to_client ? AVEDGE_FP_TO_CLIENT_PACKETS : AVEDGE_FP_TO_PEER_PACKETS, 1);
  count(to_client ? AVEDGE_FP_TO_CLIENT_BYTES : AVEDGE_FP_TO_PEER_BYTES, payload);
  __sync_fetch_and_add(route_packets, 1);
  __sync_fetch_and_add(route_bytes, payload);
}

static __always_inline __u16 ipv4_checksum(const struct iphdr* iph) {
  const __u16* p = (const __u16*)iph;
  __u32 sum = 0;
#pragma unroll
  for (int i = 0; i < (int)(sizeof(struct iphdr) / 2); ++i) sum += p[i];
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return (__u16)~sum;
}

/* How a rewritten packet leaves: to this host, up the stack (through lo when it came in
 * elsewhere); to another host, to the next hop the FIB names. Decided before the packet
 * changes, so a refusal leaves it untouched. */
enum exit_kind { EXIT_STACK, EXIT_LOOPBACK, EXIT_REDIRECT, EXIT_NEIGH, EXIT_DECLINE };

struct exit_plan {
  enum exit_kind kind;
  __u32 ifindex;
  __u8 smac[ETH_ALEN];
  __u8 dmac[ETH_ALEN];
};

static __always_inline void plan_from_fib(long rc, int on_loopback,
                                          const struct bpf_fib_lookup* fib,
                                          struct exit_plan* plan) {
  plan->ifindex = fib->ifindex;
  if (on_loopback && (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH)) {
    /* A datagram sent on this host leaves its UDP checksum to the device (CHECKSUM_PARTIAL),
     * at an offset bpf_skb_adjust_room() does not move: out of a NIC that offloads checksums
     * it would be corrupted. From lo the program relays only to this host. */
    plan->kind = EXIT_DECLINE;
  } else if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
    plan->kind = EXIT_REDIRECT;
    __builtin_memcpy(plan->smac, fib->smac, ETH_ALEN);
    __builtin_memcpy(plan->dmac, fib->dmac, ETH_ALEN);
  } else if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
    plan->kind = EXIT_NEIGH;
  } else if (rc == BPF_FIB_LKUP_RET_NOT_FWDED) {
    plan->kind = on_loopback ? EXIT_STACK : EXIT_LOOPBACK; /* a local destination */
  } else {
    /* Forwarding off on the ingress interface (the FIB helper needs it), no route, or the
     * packet needs fragmenting: the userspace relay sends it. */
    plan->kind = EXIT_DECLINE;
  }
}

static __always_inline void plan_exit(struct __sk_buff* skb, __u32 saddr, __u32 daddr, __u16 sport,
                                      __u16 dport, __u16 tot_len, struct exit_plan* plan) {
  const int on_loopback = skb->ingress_ifindex == LOOPBACK_IFINDEX;
  if ((daddr & bpf_htonl(0xFF000000)) == bpf_htonl(0x7F000000)) {
    plan->kind = on_loopback ? EXIT_STACK : EXIT_LOOPBACK; /* 127/8: this host */
    return;
  }
  struct bpf_fib_lookup fib = {};
  fib.family = AF_INET;
  fib.l4_protocol = IPPROTO_UDP;
  fib.sport = sport;
  fib.dport = dport;
  fib.tot_len = tot_len;
  fib.ipv4_src = saddr;
  fib.ipv4_dst = daddr;
  fib.ifindex = skb->ingress_ifindex;
  plan_from_fib(bpf_fib_lookup(skb, &fib, sizeof(fib), 0), on_loopback, &fib, plan);
}

static __always_inline int take_exit(struct __sk_buff* skb, const struct exit_plan* plan) {
  switch (plan->kind) {
    case EXIT_STACK:
      return TC_ACT_OK;
    case EXIT_LOOPBACK:
      return bpf_redirect(LOOPBACK_IFINDEX, BPF_F_INGRESS);
    case EXIT_NEIGH:
      return bpf_redirect_neigh(plan->ifindex, 0, 0, 0);
    default: {
      void* data = (void*)(long)skb->data;
      void* end = (void*)(long)skb->data_end;
      struct ethhdr* eth = data;
      if ((void*)(eth + 1) > end) return TC_ACT_SHOT;
      __builtin_memcpy(eth->h_source, plan->smac, ETH_ALEN);
      __builtin_memcpy(eth->h_dest, plan->dmac, ETH_ALEN);
      return bpf_redirect(plan->ifindex, 0);
    }
  }
}

/* Writes the IPv4 header fields of the rewritten packet and its UDP header. */
static __always_inline int write_headers(struct __sk_buff* skb, __u32 saddr, __u32 daddr,
                                         __u16 sport, __u16 dport, __u16 udp_len) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct iphdr* iph = data + L3_OFF;
  struct udphdr* udp = data + L4_OFF;
  if ((void*)(udp + 1) > end) return -1;
  udp->source = sport;
  udp->dest = dport;
  udp->len = bpf_htons(udp_len);
  udp->check = 0;
  iph->saddr = saddr;
  iph->daddr = daddr;
  iph->tot_len = bpf_htons(udp_len + sizeof(struct iphdr));
  iph->ttl = 64;
  iph->check = 0;
  iph->check = ipv4_checksum(iph);
  return 0;
}

/* RFC 8656 §12: channel numbers 0x4000-0x4FFF (and up to 0x7FFF before RFC 8656); over UDP
 * the data may be followed by up to 3 bytes of padding (§12.5). */
static __always_inline int channel_header_ok(const __u8* cd, __u32 payload, __u16* channel,
                                             __u16* data_len) {
  *channel = ((__u16)cd[0] << 8) | cd[1];
  *data_len = ((__u16)cd[2] << 8) | cd[3];
  if ((*channel & 0xC000) != 0x4000 || payload < CD_HLEN) return 0;
  return *data_len <= payload - CD_HLEN && payload - CD_HLEN - *data_len <= 3;
}

/* RFC 8656 §12.6: ChannelData from the client goes to the bound peer without its header. */
static __always_inline int client_to_peer(struct __sk_buff* skb, __u32 payload) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  const struct iphdr* iph = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF;
  const __u8* cd = data + CD_OFF;
  if ((void*)(cd + CD_HLEN) > end) return NOT_MINE;
  __u16 channel = 0;
  __u16 data_len = 0;
  if (!channel_header_ok(cd, payload, &channel, &data_len)) return NOT_MINE;
  struct avedge_to_peer_key key = {
      .client_ip = iph->saddr,
      .server_ip = iph->daddr,
      .client_port = bpf_ntohs(udp->source),
      .server_port = bpf_ntohs(udp->dest),
      .channel = channel,
  };
  struct avedge_to_peer_value* v = bpf_map_lookup_elem(&fp_to_peer, &key);
  if (!v) return NOT_MINE;
  if (bpf_ktime_get_ns() >= v->expires_ns) return NOT_MINE;
  const __u32 saddr = v->relay_ip;
  const __u32 daddr = v->peer_ip;
  const __u16 sport = bpf_htons(v->relay_port);
  const __u16 dport = bpf_htons(v->peer_port);
  const __u16 udp_len = sizeof(struct udphdr) + data_len;
  struct exit_plan plan = {};
  plan_exit(skb, saddr, daddr, sport, dport, udp_len + sizeof(struct iphdr), &plan);
  if (plan.kind == EXIT_DECLINE) {
    count(AVEDGE_FP_DECLINED, 1);
    return NOT_MINE;
  }
  /* Drop the 4 bytes after the IP header; the UDP header is then rewritten over the old UDP
   * length and checksum and the ChannelData header. */
  if (bpf_skb_adjust_room(skb, -CD_HLEN, BPF_ADJ_ROOM_NET, 0) != 0) return TC_ACT_SHOT;
  if (payload - CD_HLEN != data_len && bpf_skb_change_tail(skb, L4_OFF + udp_len, 0) != 0) {
    return TC_ACT_SHOT;
  }
  if (write_headers(skb, saddr, daddr, sport, dport, udp_len) != 0) return TC_ACT_SHOT;
  count_relayed(0, &v->packets, &v->bytes, data_len);
  return take_exit(skb, &plan);
}

/* RFC 8656 §12.7: a datagram from a peer with a bound channel goes to the client as
 * ChannelData, unpadded over UDP (§12.5). */
static __always_inline int peer_to_client(struct __sk_buff* skb, __u32 payload) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  const struct iphdr* iph = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF;
  if ((void*)(udp + 1) > end) return NOT_MINE;
  struct avedge_to_client_key key = {
      .peer_ip = iph->saddr,
      .relay_ip = iph->daddr,
      .peer_port = bpf_ntohs(udp->source),
      .relay_port = bpf_ntohs(udp->dest),
  };
  struct avedge_to_client_value* v = bpf_map_lookup_elem(&fp_to_client, &key);
  if (!v) return NOT_MINE;
  if (bpf_ktime_get_ns() >= v->expires_ns) return NOT_MINE;
  if (payload > 0xFFFF - sizeof(struct iphdr) - sizeof(struct udphdr) - CD_HLEN) return NOT_MINE;
  const __u32 saddr = v->server_ip;
  const __u32 daddr = v->client_ip;
  const __u16 sport = bpf_htons(v->server_port);
  const __u16 dport = bpf_htons(v->client_port);
  const __u16 channel = v->channel;
  const __u16 udp_len = sizeof(struct udphdr) + CD_HLEN + payload;
  struct exit_plan plan = {};
  plan_exit(skb, saddr, daddr, sport, dport, udp_len + sizeof(struct iphdr), &plan);
  if (plan.kind == EXIT_DECLINE) {
    count(AVEDGE_FP_DECLINED, 1);
    return NOT_MINE;
  }
  /* Open 4 bytes after the IP header: the new UDP header and the ChannelData header fill the
   * 12 bytes in front of the payload. */
  if (bpf_skb_adjust_room(skb, CD_HLEN, BPF_ADJ_ROOM_NET, 0) != 0) return TC_ACT_SHOT;
  if (write_headers(skb, saddr, daddr, sport, dport, udp_len) != 0) return TC_ACT_SHOT;
  data = (void*)(long)skb->data;
  end = (void*)(long)skb->data_end;
  __u8* cd = data + CD_OFF;
  if ((void*)(cd + CD_HLEN) > end) return TC_ACT_SHOT;
  cd[0] = channel >> 8;
  cd[1] = channel & 0xff;
  cd[2] = payload >> 8;
  cd[3] = payload & 0xff;
  count_relayed(1, &v->packets, &v->bytes, payload);
  return take_exit(skb, &plan);
}

#include "channel_relay_v6.bpf.h"

SEC("tc")
int avedge_channel_relay(struct __sk_buff* skb) {
  if (skb->gso_segs > 1) return TC_ACT_OK;
  if (skb->protocol == bpf_htons(ETH_P_IPV6)) return relay6(skb);
  if (skb->protocol != bpf_htons(ETH_P_IP)) return TC_ACT_OK;
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  if (data + CD_OFF + CD_HLEN > end) {
    /* Headers not in the linear part (rare): pull them, which may copy, so only then. */
    if (skb->len < CD_OFF + CD_HLEN || bpf_skb_pull_data(skb, CD_OFF + CD_HLEN) != 0) {
      return TC_ACT_OK;
    }
    data = (void*)(long)skb->data;
    end = (void*)(long)skb->data_end;
  }
  const struct iphdr* iph = data + L3_OFF;
  const struct udphdr* udp = data + L4_OFF;
  if ((void*)(udp + 1) > end) return TC_ACT_OK;
  if (iph->version != 4 || iph->ihl != 5 || iph->protocol != IPPROTO_UDP) return TC_ACT_OK;
  if (iph->frag_off & bpf_htons(0x3FFF)) return TC_ACT_OK; /* MF or an offset: a fragment */
  const __u32 tot_len = bpf_ntohs(iph->tot_len);
  const __u32 udp_len = bpf_ntohs(udp->len);
  if (tot_len != skb->len - ETH_HLEN || udp_len != tot_len - sizeof(struct iphdr) ||
      udp_len < sizeof(struct udphdr)) {
    return TC_ACT_OK;
  }
  const __u32 payload = udp_len - sizeof(struct udphdr);
  const int to_client = peer_to_client(skb, payload);
  if (to_client != NOT_MINE) return to_client;
  const int to_peer = client_to_peer(skb, payload);
  return to_peer != NOT_MINE ? to_peer : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
