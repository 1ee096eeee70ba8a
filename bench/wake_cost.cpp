// What a wake-up costs on this host (issue 7, docs/PERFORMANCE.md "CPU per packet at 20k/s"):
// the floor under any relay's CPU per packet at low rates, measured without a relay. Prints, in
// CPU time of the thread that pays it:
//   syscall        one getppid() system call
//   timer_wake     a sleep of GAP µs ended by the thread's own timer (clock_nanosleep), as a
//                  latency budget's wait is: going to sleep, the switch back, the return
//   periodic_wake  a blocking read() of a timerfd that fires every GAP µs, armed once: the
//                  kernel re-arms it at expiry, so no wait arms or cancels a timer itself
//   remote_wake    a blocking read() ended by another CPU's write to an eventfd, as a datagram
//                  from another core wakes a server waiting for it
//   waker_pays     the write() that wakes a thread sleeping on the other CPU, as a relay's send
//                  wakes a receiver waiting on the same host (loopback)
//   waker_awake    the same write() when the reader is not asleep (back to back)
//
//   wake_cost [GAP_US=150] [COUNT=5000] [CPU_A=0] [CPU_B=1]
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace {

double ns_of(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}
double now_ns() {
  return ns_of(CLOCK_MONOTONIC);
}
double thread_cpu_ns() {
  return ns_of(CLOCK_THREAD_CPUTIME_ID);
}

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void spin_for(double ns) {
  const double start = now_ns();
  while (now_ns() - start < ns) {
  }
}

void print(const char* what, double us, const char* note) {
  std::printf("%-13s %8.2f us  %s\n", what, us, note);
}

double syscall_cost(int count) {
  const double start = thread_cpu_ns();
  for (int i = 0; i < count * 100; ++i) (void)syscall(SYS_getppid);
  return (thread_cpu_ns() - start) / (count * 100.0) / 1000.0;
}

timespec timespec_of_us(long us) {
  return timespec{us / 1'000'000, (us % 1'000'000) * 1000};
}

double timer_wake_cost(long gap_us, int count) {
  const timespec ts = timespec_of_us(gap_us);
  const double start = thread_cpu_ns();
  for (int i = 0; i < count; ++i) clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
  return (thread_cpu_ns() - start) / count / 1000.0;
}

// 0 when the timer cannot be made or read: the row then shows no cost, which the smoke test
// (t_bench_smoke) catches.
double periodic_wake_cost(long gap_us, int count) {
  const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (fd < 0) return 0;
  const itimerspec spec{timespec_of_us(gap_us), timespec_of_us(gap_us)};
  double cpu = 0;
  if (timerfd_settime(fd, 0, &spec, nullptr) == 0) {
    const double start = thread_cpu_ns();
    int woken = 0;
    for (uint64_t expirations = 0; woken < count; ++woken) {
      if (read(fd, &expirations, sizeof expirations) != sizeof expirations) break;
    }
    if (woken == count) cpu = thread_cpu_ns() - start;
  }
  close(fd);
  return cpu / count / 1000.0;
}

struct RemoteWake {
  double woken_us = 0;  // the reader's CPU per wake-up
  double waker_us = 0;  // the writer's write() per wake-up
};

// The reader blocks in read() on CPU a; the writer on CPU b writes once per gap (spinning, so
// that only the reader sleeps), after the reader has taken the previous value.
RemoteWake remote_wake_cost(long gap_us, int count, int cpu_a, int cpu_b) {
  const int fd = eventfd(0, EFD_CLOEXEC);
  std::atomic<int> taken{0};
  double reader_cpu = 0;
  std::thread reader([&] {
    pin(cpu_a);
    const double start = thread_cpu_ns();
    for (int i = 0; i < count; ++i) {
      uint64_t v = 0;
      if (read(fd, &v, sizeof v) != sizeof v) break;
      taken.store(i + 1, std::memory_order_release);
    }
    reader_cpu = thread_cpu_ns() - start;
  });
  pin(cpu_b);
  double write_ns = 0;
  const uint64_t one = 1;
  for (int i = 0; i < count; ++i) {
    while (taken.load(std::memory_order_acquire) < i) {
    }
    spin_for(static_cast<double>(gap_us) * 1000.0);
    const double t = now_ns();
    (void)!write(fd, &one, sizeof one);
    write_ns += now_ns() - t;
  }
  reader.join();
  close(fd);
  return RemoteWake{reader_cpu / count / 1000.0, write_ns / count / 1000.0};
}

double write_awake_cost(int count) {
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  const uint64_t one = 1;
  uint64_t v = 0;
  const double start = now_ns();
  for (int i = 0; i < count; ++i) {
    (void)!write(fd, &one, sizeof one);
    (void)!read(fd, &v, sizeof v);
  }
  close(fd);
  return (now_ns() - start) / count / 2.0 / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  const long gap_us = argc > 1 ? std::atol(argv[1]) : 150;
  const int count = argc > 2 ? std::atoi(argv[2]) : 5000;
  const int cpu_a = argc > 3 ? std::atoi(argv[3]) : 0;
  const int cpu_b = argc > 4 ? std::atoi(argv[4]) : 1;
  if (gap_us <= 0 || count <= 0) {
    std::fprintf(stderr, "usage: wake_cost [GAP_US=150] [COUNT=5000] [CPU_A=0] [CPU_B=1]\n");
    return 2;
  }
  // As avedge's worker with a latency budget: no timer slack stretching the sleeps.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  pin(cpu_a);
  print("syscall", syscall_cost(count), "getppid()");
  print("timer_wake", timer_wake_cost(gap_us, count), "sleep ended by the thread's own timer");
  print("periodic_wake", periodic_wake_cost(gap_us, count),
        "sleep ended by a periodic timer armed once");
  const RemoteWake r = remote_wake_cost(gap_us, count, cpu_a, cpu_b);
  print("remote_wake", r.woken_us, "blocking read() ended by a write on the other CPU");
  print("waker_pays", r.waker_us, "that write(), the reader asleep");
  print("waker_awake", write_awake_cost(count * 10), "an eventfd write() nobody waits for");
  return 0;
}
