// Every error response explained with what to check (RFC 8489 §14.8, RFC 8656 §19).
#include "diag/analyze_explain.hpp"

#include <fmt/format.h>

#include "wire/stun_constants.hpp"

namespace avedge::diag {

namespace {

namespace err = stun::error;

bool is_default_reason(uint16_t code, std::string_view reason) {
  return reason.empty() || reason == err::default_reason(code) || reason == "Unauthorized" ||
         reason == "Unauthenticated";
}

Explanation explain_401(const ErrorContext& c) {
  Explanation e{"ANA-ERR-401", Severity::Error, "", "", false};
  if (!c.had_integrity) {
    e.normal = true;
    e.severity = Severity::Info;
    e.message = "401 challenge to a request without credentials (normal: RFC 8489 §9.2.4)";
    e.check = "nothing, if the client retries with USERNAME and MESSAGE-INTEGRITY";
    return e;
  }
  const UsernameInfo u = describe_username(c.username, c.time);
  const std::string who = c.username.empty()
                              ? std::string("the client")
                              : fmt::format("user \"{}\" ({})", c.username, u.summary);
  if (u.expired) {
    e.message = fmt::format("{} refused with 401: the credential had expired", who);
    e.check =
        "the client must fetch fresh credentials (MRAS / the TURN REST service); check the "
        "clocks of the edge and the credential issuer";
    return e;
  }
  e.message = fmt::format("{} refused with 401 after sending credentials", who);
  if (!is_default_reason(c.code, c.reason)) {
    e.message += fmt::format(": the edge says \"{}\"", c.reason);
  }
  if (u.kind == UsernameInfo::Kind::Pool) {
    e.check = fmt::format(
        "a credential issued by {0} that this edge refuses: if the edge is not one of {0}'s, "
        "{0}'s public_fqdn (its DNS) points at the wrong edges; otherwise [[edge_pool]] {0} "
        "secrets (key id rolled out?) or a wrong password{1}",
        u.pool,
        is_default_reason(c.code, c.reason)
            ? "; [edge] diagnostic_reasons = true puts the edge's reason in the 401"
            : "");
  } else {
    e.check =
        "wrong password, unknown user or wrong realm: compare the client's credentials "
        "with [auth] users / secrets and [edge] realm";
  }
  return e;
}

}  // namespace

std::string method_name(uint16_t method) {
  switch (method) {
    case stun::method::Binding:
      return "Binding";
    case stun::method::Allocate:
      return "Allocate";
    case stun::method::Refresh:
      return "Refresh";
    case stun::method::Send:
      return "Send";
    case stun::method::Data:
      return "Data";
    case stun::method::CreatePermission:
      return "CreatePermission";
    case stun::method::ChannelBind:
      return "ChannelBind";
    default:
      return fmt::format("method 0x{:03x}", method);
  }
}

Explanation explain_error(const ErrorContext& c) {
  if (c.code == err::Unauthenticated) return explain_401(c);
  Explanation e{fmt::format("ANA-ERR-{}", c.code), Severity::Error, "", "", false};
  const std::string m = method_name(c.method);
  const std::string head = fmt::format("{} refused with {} {}", m, c.code, c.reason);
  switch (c.code) {
    case err::TryAlternate:
      e.severity = Severity::Warning;
      e.message = head + ": the edge redirects to ALTERNATE-SERVER";
      e.check = "the client should follow it; if not, point it at the alternate server";
      break;
    case err::BadRequest:
      e.message = head + ": the edge found the request malformed";
      e.check =
          "the client's STUN/TURN dialect (RFC 5766/8656); capture and compare with a "
          "known-good client";
      break;
    case err::Forbidden:
      if (!c.peer.empty()) {
        e.message = fmt::format("{}: peer {} denied by the edge's peer policy", head, c.peer);
        e.check =
            "[peers] deny / allow (loopback, private and link-local peers are denied by "
            "default): add the peer's network to [peers] allow (--allow-peer) if it is "
            "legitimate";
      } else {
        e.message = head + ": the edge forbids this request";
        e.check = "the user's rights and the edge's [peers] policy";
      }
      break;
    case err::UnknownAttribute:
      e.message = head +
                  ": the request carries a comprehension-required attribute the edge "
                  "does not know";
      e.check = "the UNKNOWN-ATTRIBUTES of the response and the client's dialect (MS-TURN?)";
      break;
    case err::AllocationMismatch:
      e.message = head + (c.method == stun::method::Allocate
                              ? ": this 5-tuple already has an allocation"
                              : ": there is no allocation on this 5-tuple (expired, deleted or "
                                "the edge restarted)");
      e.check =
          "the client must allocate again (from a new local port after a restart); "
          "Refresh before the lifetime ends";
      break;
    case err::StaleNonce:
      e.severity = Severity::Warning;
      e.message = head + ": the nonce expired";
      e.check =
          "normal when the client retries with the new NONCE; if it does not, the "
          "client's nonce handling ([lifetimes] nonce)";
      break;
    case err::AddressFamilyNotSupported:
      e.message = head + ": the edge has no relay address of the requested family";
      e.check = "[edge] relay_ips (one IPv4 and/or one IPv6)";
      break;
    case err::WrongCredentials:
      e.message = head +
                  ": the request's credentials differ from the ones the allocation was "
                  "made with";
      e.check = "the client must use one username per allocation (RFC 8656 §5)";
      break;
    case err::UnsupportedTransportProtocol:
      e.message = head + ": REQUESTED-TRANSPORT is not UDP";
      e.check = "the client asked for a TCP relay (RFC 6062), which the edge does not offer";
      break;
    case err::PeerAddressFamilyMismatch:
      e.message = head + ": the peer's address family differs from the relayed address's";
      e.check = "allocate a relay of the peer's family (REQUESTED-ADDRESS-FAMILY)";
      break;
    case err::AllocationQuotaReached:
      e.message = head + ": an allocation quota is reached";
      e.check = "[quota] per_user / per_ip / total, and clients leaking allocations";
      break;
    case err::ServerError:
      e.message = head + ": the edge failed internally";
      e.check = "the edge's log (avedge serve --log-level debug) at this time";
      break;
    case err::InsufficientCapacity:
      e.message = head + ": the edge has no free relay port";
      e.check = "[edge] relay_ports (widen the range) and the number of allocations";
      break;
    default:
      e.message = head;
      e.check = "RFC 8489 §14.8 / RFC 8656 §19 for this code";
      break;
  }
  return e;
}

}  // namespace avedge::diag
