/* Minimal epoll load client: the floor the Java client's connect rate is compared against.
 *
 * Opens N nonblocking connects to ADDR over a range or list of ports (round-robin), keeps up to W in
 * flight, learns each outcome from EPOLLOUT + SO_ERROR, and prints the time to resolve all N as JSON.
 * With -i, then sends a 16-byte frame (slot, send time) per connection per interval for -H seconds,
 * spread evenly over the interval, and times each echo.
 *
 * Build: cc -O2 -o c1m-cclient c1m-cclient.c
 * Usage: c1m-cclient -n N -p 9000-9019|9000,9001 [-a 127.0.0.1] [-w 20000] [-t 60] [-i MS -H S]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, long n, double p) {
    return n ? v[(long)(p / 100.0 * (n - 1))] * 1e3 : -1;
}

int main(int argc, char **argv) {
    const char *addr = "127.0.0.1";
    long n = 1000, window = 20000, ports[1024], nports = 0, interval_ms = 0, hold_s = 10, timeout_s = 60;
    int c;
    while ((c = getopt(argc, argv, "n:p:a:w:t:i:H:")) != -1) {
        if (c == 'n') n = atol(optarg);
        else if (c == 'a') addr = optarg;
        else if (c == 'w') window = atol(optarg);
        else if (c == 't') timeout_s = atol(optarg);
        else if (c == 'i') interval_ms = atol(optarg);
        else if (c == 'H') hold_s = atol(optarg);
        else if (c == 'p') {
            for (char *tok = strtok(optarg, ","); tok && nports < 1024; tok = strtok(NULL, ",")) {
                long lo = atol(tok), hi = strchr(tok, '-') ? atol(strchr(tok, '-') + 1) : lo;
                for (long p = lo; p <= hi && nports < 1024; p++) ports[nports++] = p;
            }
        } else {
            fprintf(stderr, "usage: %s -n N -p PORTS [-a ADDR] [-w WINDOW] [-t TIMEOUT_S] [-i MS -H S]\n", argv[0]);
            return 2;
        }
    }
    if (nports == 0 || n <= 0 || window <= 0) {
        fprintf(stderr, "c1m-cclient: need -n > 0 and -p PORTS\n");
        return 2;
    }
    /* Each connection is a descriptor: take the whole hard limit, as the Java client does. */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)n + 16 > rl.rlim_cur) {
        fprintf(stderr, "c1m-cclient: %ld connections need more than the open-files limit %ld\n", n, (long)rl.rlim_cur);
        return 3;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "c1m-cclient: bad address %s\n", addr);
        return 2;
    }
    int *fds = malloc(n * sizeof(int));
    memset(fds, 0xff, n * sizeof(int)); /* -1: no socket */
    unsigned char *pending = calloc(n, 1), *rlen = calloc(n, 1), (*rbuf)[16] = malloc(n * 16);
    int ep = epoll_create1(0);
    struct epoll_event evs[4096], ev;
    long next = 0, inflight = 0, established = 0, failed = 0;
    int one = 1;

    double t0 = now_s(), deadline = t0 + timeout_s;
    while (established + failed < n && now_s() < deadline) {
        for (; inflight < window && next < n; next++) {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            fds[next] = fd;
            if (fd < 0) { failed++; continue; }
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sa.sin_port = htons(ports[next % nports]);
            int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
            if (r < 0 && errno != EINPROGRESS) { close(fd); fds[next] = -1; failed++; continue; }
            ev.events = r == 0 ? EPOLLIN : EPOLLOUT;
            ev.data.u64 = next;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            if (r == 0) established++; else inflight++, pending[next] = 1;
        }
        int k = epoll_wait(ep, evs, 4096, 100);
        for (int i = 0; i < k; i++) {
            long slot = evs[i].data.u64;
            if (!pending[slot]) continue; /* an established connection: its echoes come later */
            pending[slot] = 0;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fds[slot], SOL_SOCKET, SO_ERROR, &err, &len);
            inflight--;
            if (err == 0 && !(evs[i].events & (EPOLLERR | EPOLLHUP))) {
                ev.events = EPOLLIN; /* from now on only echoes are of interest */
                ev.data.u64 = slot;
                epoll_ctl(ep, EPOLL_CTL_MOD, fds[slot], &ev);
                established++;
            } else {
                close(fds[slot]);
                fds[slot] = -1;
                failed++;
            }
        }
    }
    double ramp = now_s() - t0;
    failed = n - established; /* connects still pending at the deadline count as failed */
    printf("{\"connections\":%ld,\"established\":%ld,\"failed\":%ld,\"window\":%ld,\"ramp_seconds\":%.4f",
           n, established, failed, window, ramp);

    if (interval_ms > 0 && established > 0) {
        /* Frame g goes to slot g % n, due at start + (g / n) * interval + (g % n) * interval / n. */
        double iv = interval_ms / 1e3, start = now_s(), end = start + hold_s;
        long cap = (long)((hold_s / iv + 2) * n), nrtt = 0, sent = 0, due_total = 0, g = 0, got = 0;
        double *rtt = malloc(cap * sizeof(double)), lag_max = 0;
        for (;;) {
            double t = now_s();
            if (t >= end + 1.0 || (t >= end && got >= sent)) break; /* a second for the last echoes */
            for (double due; t < end && (due = start + (g / n) * iv + (g % n) * iv / n) <= t; g++) {
                long slot = g % n;
                due_total++;
                if (fds[slot] < 0) continue;
                double frame[2] = {(double)slot, now_s()};
                if (send(fds[slot], frame, 16, MSG_DONTWAIT | MSG_NOSIGNAL) == 16) sent++;
                if (t - due > lag_max) lag_max = t - due;
            }
            int k = epoll_wait(ep, evs, 4096, 1);
            double at = now_s();
            for (int i = 0; i < k; i++) {
                long slot = evs[i].data.u64;
                ssize_t r = read(fds[slot], rbuf[slot] + rlen[slot], 16 - rlen[slot]);
                if (r <= 0) { if (r == 0) { close(fds[slot]); fds[slot] = -1; } continue; }
                if ((rlen[slot] += r) == 16) { /* frames echo whole, one at a time per connection */
                    double frame[2];
                    memcpy(frame, rbuf[slot], 16);
                    rlen[slot] = 0;
                    got++;
                    if (nrtt < cap) rtt[nrtt++] = at - frame[1];
                }
            }
        }
        qsort(rtt, nrtt, sizeof(double), cmp_double);
        printf(",\"heartbeat\":{\"interval_ms\":%ld,\"hold_seconds\":%ld,\"due\":%ld,\"sent\":%ld,\"received\":%ld,"
               "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"lag_max_ms\":%.3f}",
               interval_ms, hold_s, due_total, sent, got, pct(rtt, nrtt, 50), pct(rtt, nrtt, 90), pct(rtt, nrtt, 99),
               nrtt ? rtt[nrtt - 1] * 1e3 : -1, lag_max * 1e3);
    }
    printf("}\n");
    /* Reset instead of FIN: no TIME_WAIT left behind to slow the next client's choice of ports. */
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    for (long i = 0; i < n; i++)
        if (fds[i] >= 0) setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &reset, sizeof reset), close(fds[i]);
    return established == n ? 0 : 1;
}
