/* c1m-epoll-server: the seeds' C1M echo server in C, a drop-in for c1m-server.jar under the lab.
 *
 * Why: seed 000 held 1.02M connections on a 6 GB VM with one C epoll reactor on 20 ports; the lab's Java
 * server does the same on Netty. This is that C design, so the lab can show what a connection costs
 * without a JVM beside the Java figures, on the same hosts, read by the same c1m-host and report.
 *
 * What: one thread, one level-triggered epoll set; listens on a port list (--ports 9000-9019 or 9000,9005),
 * accepts until EAGAIN, and echoes every byte it reads (the lab client's 24-byte frames come back byte for
 * byte). It writes the summary (JSON, atomically), timeline (CSV) and progress log the Java server writes,
 * with the same field names where they apply (docs/interfaces.md) plus "impl": "c-epoll"; heap and JVM
 * fields are left out, not made up. Exit codes mean what the jars' mean (java/common/.../cli/ExitCodes.java):
 * 0 clean stop on SIGTERM/SIGINT, 1 a port could not be bound, 2 bad usage, 3 this host cannot hold it.
 *
 * Memory: a connection is its descriptor and nothing else in user space. The epoll registration's data
 * (the fd and its port's index) lives in the kernel's epitem, reads go through one 4 KiB stack buffer,
 * and bytes a full send buffer cannot take are never copied out: the server reads with MSG_PEEK, sends
 * what fits and then consumes exactly that much, so the rest waits in the kernel's receive buffer and TCP's
 * flow control slows the peer (the seeds' EPOLLIN/EPOLLOUT toggle). User space per connection: 0 bytes;
 * the kernel's socket, file, epitem and buffers are its own cost (/proc/net/sockstat, slabinfo).
 *
 * Level-triggered, not edge: one read per ready connection per wakeup keeps a chatty peer from starving
 * the others, needs no drain-to-EAGAIN bookkeeping per connection (which edge-triggered would require, and
 * which needs state a connection does not have), and a listener that could not be drained (the open-files
 * wall) is simply reported again.
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -Werror -o c1m-epoll-server c1m-epoll-server.c  (or make)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "c1m-epoll-server"
#define IMPL "c-epoll"
#define VERSION "1"
/* The server summary's version this file writes (docs/interfaces.md, "schema"). */
#define SUMMARY_SCHEMA 2

/* The jars' exit codes (ExitCodes.java), with the server's meanings. */
enum { EXIT_CLEAN = 0, EXIT_BIND_FAILED = 1, EXIT_USAGE = 2, EXIT_HOST_CANNOT_HOLD = 3 };

/* Descriptors closed for a moment when one is needed at the open-files wall: the accept that sheds a
 * connection takes one, a summary write (/proc/self/statm, the temporary file) takes two. */
#define RESERVE_FDS 4
/* Besides the connections and listeners: stdio, the epoll set, the signalfd, the log and the timeline. */
#define FIXED_FDS (3 + 2 + 2)
#define READ_BUFFER_BYTES 4096
#define EVENTS_PER_WAIT 1024
#define FIRST_ERRORS_KEPT 3
#define MAX_DURATION_MS 31536000000LL /* 8760h, the notation's longest duration */

/* epoll data: bit 63 marks a listener; bits 32-47 the port's index; bits 0-31 the descriptor. */
#define TAG_LISTENER (1ULL << 63)
#define TAG(fd, index) (((uint64_t)(uint32_t)(index) << 32) | (uint32_t)(fd))
#define TAG_FD(tag) ((int)(uint32_t)(tag))
#define TAG_INDEX(tag) ((int)(((tag) >> 32) & 0xffff))

struct options {
    const char *ports_text;
    const char *bind;
    long backlog;
    long long status_interval_ms;
    long long progress_every;
    long long expected_connections;
    const char *summary;
    const char *timeline;
    const char *log_file;
    bool check_args;
};

struct port {
    int number;
    int listen_fd;
    bool paused; /* taken out of the epoll set after an accept error that names a limit, back next tick */
    uint64_t open;
};

/* An accept (or registration) error kind: what the summary counts by name. */
struct error_kind {
    const char *name; /* the errno's name, or "epoll_ctl ENOSPC": max_user_watches, seed 004's 620k wall */
    int err;
    bool names_a_limit; /* counted in accept_errors.count, as the Java server's AcceptErrors does */
    uint64_t count;
};

static struct error_kind error_kinds[] = {
    {"EMFILE", EMFILE, true, 0},          {"ENFILE", ENFILE, true, 0},   {"ENOBUFS", ENOBUFS, true, 0},
    {"ENOMEM", ENOMEM, true, 0},          {"ECONNABORTED", ECONNABORTED, false, 0},
    {"EPERM", EPERM, false, 0},           {"EPROTO", EPROTO, false, 0},
    {"epoll_ctl ENOSPC", ENOSPC, true, 0}, {"epoll_ctl ENOMEM", ENOMEM, true, 0}, {"other", 0, false, 0},
};
#define KIND_COUNT (sizeof error_kinds / sizeof error_kinds[0])
#define KIND_EPOLL_ENOSPC 7
#define KIND_EPOLL_ENOMEM 8

static struct {
    struct options opt;
    struct port *ports;
    int port_count;
    int epoll_fd;
    int signal_fd;
    int log_fd;      /* -1: no --log-file */
    int timeline_fd; /* -1: no --timeline */
    off_t timeline_end; /* where the last whole row ends: a failed write is cut back to it */
    int reserve[RESERVE_FDS];
    int first_connection_fd; /* every descriptor from here up is a connection once listening */

    uint64_t open, peak_open, accepted, closed, reaped, bytes_echoed, shed, open_at_stop;
    char first_errors[FIRST_ERRORS_KEPT][160];
    int first_error_count;
    long long started_ms, first_connection_ms, peak_ms;
    long long progress_step_ns;
    long long rss, rss_at_peak;
    uint64_t peak_sampled;
    bool peak_sampled_any;
    uint64_t status_accepted, status_closed;
    bool status_said;
    char timeline_problem[200];
    char log_problem[200];
    char summary_problem[200];
    rlim_t nofile_soft, nofile_hard;
    char hostname[256];
    const char *state;
    int exit_code; /* -1 while running */
    char exit_reason[256];
} s = {.log_fd = -1, .timeline_fd = -1, .exit_code = -1, .state = "running"};

/* ---------------------------------------------------------------- clocks and text */

static long long wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long long mono_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ISO-8601 UTC with milliseconds, as every summary and timeline of the lab writes time. */
static void iso(long long ms, char out[32]) {
    time_t seconds = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&seconds, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

/* 1,234,567: the log lines' counts, as the jars write them. */
static const char *grouped(uint64_t n, char out[32]) {
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) {
            out[o++] = ',';
        }
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------------- the log */

/* One line to stdout (the journal) and to --log-file, in the jars' shape: "HH:MM:SS.mmm LEVEL logger - text".
 * A log file that stops taking lines (a full disk) is said once and in the summary (log_problem). */
static void say(const char *level, const char *format, ...) {
    char line[1024];
    long long ms = wall_ms();
    time_t seconds = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&seconds, &tm);
    int n = (int)strftime(line, sizeof line, "%H:%M:%S", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, ".%03d %-5s %s - ", (int)(ms % 1000), level, PROGRAM);
    va_list args;
    va_start(args, format);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, format, args);
    va_end(args);
    n = (m < 0) ? n : (n + m > (int)sizeof line - 2 ? (int)sizeof line - 2 : n + m);
    line[n++] = '\n';
    if (write(STDOUT_FILENO, line, (size_t)n) < 0) {
        /* Nobody reads stdout: the log file below still gets the line. */
    }
    if (s.log_fd >= 0) {
        ssize_t w = write(s.log_fd, line, (size_t)n);
        if (w != n && s.log_problem[0] == '\0') {
            char when[32];
            iso(ms, when);
            snprintf(s.log_problem, sizeof s.log_problem, "since %s: %s", when,
                     w < 0 ? strerror(errno) : "a line was cut short");
            char warn[300];
            int k = snprintf(warn, sizeof warn, "--log-file loses lines %s (said once)\n", s.log_problem);
            if (write(STDOUT_FILENO, warn, (size_t)k) < 0) {
                /* As above. */
            }
        }
    }
}

/* Bad usage: one line on stderr that names the option, the problem and the fix; exit 2. */
static void usage_error(const char *format, ...) {
    char line[600];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "%s: %s (%s --help lists the options)\n", PROGRAM, line, PROGRAM);
    exit(EXIT_USAGE);
}

/* ---------------------------------------------------------------- the notations (docs/interfaces.md) */

static char *trimmed(char *text) {
    while (isspace((unsigned char)*text)) {
        text++;
    }
    char *end = text + strlen(text);
    while (end > text && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return text;
}

/* A port 1-65535 in whole (the --ports text, for the message), or a usage error. */
static int port_number(char *text, const char *whole) {
    text = trimmed(text);
    char *end;
    errno = 0;
    long port = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || !isdigit((unsigned char)*text) || errno != 0) {
        usage_error("--ports: '%s' in '%s' is not a port number: give a range such as 9000-9019 or a list such as "
                    "9000,9005", text, whole);
    }
    if (port < 1 || port > 65535) {
        usage_error("--ports: port %ld in '%s' is outside 1-65535", port, whole);
    }
    return (int)port;
}

/* "9000-9019", "9000,9005" or both, as the jars' PortList reads it: in order, duplicates once. */
static void parse_ports(const char *text) {
    static bool seen[65536];
    char *copy = strdup(text);
    int capacity = 64, count = 0;
    int *numbers = malloc(sizeof *numbers * (size_t)capacity);
    if (copy == NULL || numbers == NULL) {
        usage_error("--ports: out of memory reading '%s'", text);
    }
    char *rest = copy;
    for (char *part = strsep(&rest, ","); part != NULL; part = strsep(&rest, ",")) {
        part = trimmed(part);
        if (*part == '\0') {
            continue;
        }
        int first, last;
        char *dash = strchr(part, '-');
        if (dash != NULL && dash != part) {
            *dash = '\0';
            first = port_number(part, text);
            last = port_number(dash + 1, text);
            if (last < first) {
                usage_error("--ports: port range '%d-%d' is empty: write it low-high, e.g. 9000-9019", first, last);
            }
        } else {
            first = last = port_number(part, text);
        }
        for (int p = first; p <= last; p++) {
            if (seen[p]) {
                continue;
            }
            seen[p] = true;
            if (count == capacity) {
                capacity *= 2;
                numbers = realloc(numbers, sizeof *numbers * (size_t)capacity);
                if (numbers == NULL) {
                    usage_error("--ports: out of memory reading '%s'", text);
                }
            }
            numbers[count++] = p;
        }
    }
    if (count == 0) {
        usage_error("--ports: no ports in '%s': give a range such as 9000-9019 or a list such as 9000,9001", text);
    }
    free(copy);
    s.ports = calloc((size_t)count, sizeof *s.ports);
    if (s.ports == NULL) {
        usage_error("--ports: out of memory for %d ports", count);
    }
    for (int i = 0; i < count; i++) {
        s.ports[i] = (struct port){.number = numbers[i], .listen_fd = -1};
    }
    s.port_count = count;
    free(numbers);
}

/* "12.50" then a suffix, as the jars' notation reads a number: the value is mantissa / 10^fraction (the
 * fraction's trailing zeros dropped); false when the text does not start with digits[.digits]. */
static bool parse_decimal(const char *text, long long *mantissa, int *fraction, const char **suffix) {
    const char *p = text, *dot = NULL, *last_nonzero = NULL;
    int digits = 0;
    *mantissa = 0;
    *fraction = 0;
    for (; isdigit((unsigned char)*p) || (*p == '.' && dot == NULL && digits > 0); p++) {
        if (*p == '.') {
            dot = p;
        } else {
            digits++;
            if (dot == NULL || *p != '0') {
                last_nonzero = p;
            }
        }
    }
    if (digits == 0 || (dot != NULL && p == dot + 1)) {
        return false;
    }
    for (const char *d = text; d < p && last_nonzero != NULL && d <= last_nonzero; d++) {
        if (*d == '.') {
            continue;
        }
        if (*mantissa > 99999999999999999LL / 10) {
            *mantissa = LLONG_MAX; /* larger than any figure a caller accepts */
            break;
        }
        *mantissa = *mantissa * 10 + (*d - '0');
        *fraction += dot != NULL && d > dot;
    }
    *suffix = p;
    return true;
}

/* mantissa / 10^fraction x scale as a whole number of at most max: 0, or 1 when not whole, 2 when too large. */
static int scaled_whole(long long mantissa, int fraction, long long scale, long long max, long long *out) {
    if (mantissa == LLONG_MAX) {
        return 2;
    }
    __int128 value = (__int128)mantissa * scale, divisor = 1;
    for (int i = 0; i < fraction; i++) {
        divisor *= 10;
        if (i > 20) {
            return 1; /* more decimals than any scale here makes whole */
        }
    }
    if (value % divisor != 0) {
        return 1;
    }
    if (value / divisor > max) {
        return 2;
    }
    *out = (long long)(value / divisor);
    return 0;
}

/* A duration as the jars read it (500ms, 30s, 1.5s, 10m, 1h; a bare number is seconds) in whole ms. */
static long long parse_duration(const char *option, const char *given) {
    char text[64];
    snprintf(text, sizeof text, "%s", given);
    const char *suffix;
    long long mantissa, ms = 0;
    int fraction;
    if (!parse_decimal(trimmed(text), &mantissa, &fraction, &suffix)) {
        usage_error("%s: '%s' is not a duration: use e.g. 500ms, 30s, 10m or 1h", option, given);
    }
    long long scale = strcasecmp(suffix, "ms") == 0 ? 1
                      : (*suffix == '\0' || strcasecmp(suffix, "s") == 0) ? 1000
                      : strcasecmp(suffix, "m") == 0 ? 60000
                      : strcasecmp(suffix, "h") == 0 ? 3600000 : 0;
    if (scale == 0) {
        usage_error("%s: '%s' is not a duration: use e.g. 500ms, 30s, 10m or 1h", option, given);
    }
    int problem = scaled_whole(mantissa, fraction, scale, MAX_DURATION_MS, &ms);
    if (problem == 1) {
        usage_error("%s: '%s' is not a whole number of milliseconds", option, given);
    } else if (problem == 2) {
        usage_error("%s: '%s' is too long: at most 8760h", option, given);
    }
    return ms;
}

/* A count as the jars read it: 1000, 1_000, 1,000, 15k, 1.5m (k = 1,000, m = 1,000,000), whole, at most 2^31-1. */
static long long parse_count(const char *option, const char *given) {
    char text[64];
    size_t o = 0;
    for (const char *c = given; *c != '\0' && o < sizeof text - 1; c++) {
        if (*c != '_' && *c != ',') {
            text[o++] = *c;
        }
    }
    text[o] = '\0';
    const char *suffix;
    long long mantissa, count = 0;
    int fraction;
    bool read = parse_decimal(trimmed(text), &mantissa, &fraction, &suffix);
    long long scale = !read ? 0
                      : *suffix == '\0' ? 1
                      : strcasecmp(suffix, "k") == 0 ? 1000
                      : strcasecmp(suffix, "m") == 0 ? 1000000 : 0;
    if (scale == 0 || scaled_whole(mantissa, fraction, scale, 2147483647LL, &count) != 0) {
        usage_error("%s: '%s' is not a count: use a whole number such as 1000, 15k or 1.5m (at most 2147483647)",
                    option, given);
    }
    return count;
}

static long parse_int(const char *option, const char *given, long low, long high) {
    char *end;
    errno = 0;
    long value = strtol(given, &end, 10);
    if (*given == '\0' || *end != '\0' || errno != 0 || value < low || value > high) {
        usage_error("%s must be a whole number from %ld to %ld, got '%s'", option, low, high, given);
    }
    return value;
}

/* ---------------------------------------------------------------- the command line */

static void print_help(void) {
    printf("Usage: %s [--ports PORTS] [--bind ADDRESS] [--backlog N] [--status-interval DURATION]\n"
           "       [--progress-every N] [--expected-connections N] [--summary FILE] [--timeline FILE]\n"
           "       [--log-file FILE] [--check-args] [--help] [--version]\n"
           "Echo server for the c1m-lab in C: one epoll reactor thread on every port, every byte echoed;\n"
           "a drop-in for c1m-server.jar (the seeds' design). Runs until SIGTERM or SIGINT.\n"
           "  --ports PORTS            a range (9000-9019), a list (9000,9001) or both; default 9000-9019\n"
           "  --bind ADDRESS           an IP address of this host; default 0.0.0.0\n"
           "  --backlog N              listen backlog per port (capped by net.core.somaxconn); default 65535\n"
           "  --status-interval D      a status line this often while anything changes; default 5s\n"
           "  --progress-every N       a progress line every N accepted connections, 0 = none; default 1000\n"
           "  --expected-connections N exit 3 when the open-files hard limit cannot hold N; default 0 = no check\n"
           "  --summary FILE           JSON summary, rewritten (temp + rename) every second and at exit\n"
           "  --timeline FILE          CSV, one row a second: time,open,accepted,closed,rss_bytes,reaped\n"
           "  --log-file FILE          also write the log lines here\n"
           "  --check-args             check the options, print them as JSON and exit 0 (tests)\n"
           "Exit codes: 0 clean stop on SIGTERM/SIGINT; 1 a port could not be bound; 2 bad usage;\n"
           "3 the open-files limit cannot hold the ports (or --expected-connections).\n",
           PROGRAM);
}

/* --opt VALUE or --opt=VALUE; the value of an option that takes one, or NULL when argv[*i] is not it. */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) {
        return NULL;
    }
    if (argv[*i][len] == '=') {
        return argv[*i] + len + 1;
    }
    if (argv[*i][len] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        usage_error("%s needs a value", name);
    }
    return argv[++*i];
}

/* A file the run writes: its folder must exist and take new files (never created: the jars' rule). */
static void check_output(const char *option, const char *file) {
    if (file == NULL) {
        return;
    }
    if (*file == '\0') {
        usage_error("%s needs a file name", option);
    }
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", file);
    char *slash = strrchr(folder, '/');
    if (slash == NULL) {
        snprintf(folder, sizeof folder, ".");
    } else if (slash == folder) {
        folder[1] = '\0';
    } else {
        *slash = '\0';
    }
    struct stat st;
    if (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
        usage_error("%s %s: the folder %s does not exist: create it first", option, file, folder);
    }
    if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
        usage_error("%s %s is a folder: give a file name", option, file);
    }
    if (access(folder, W_OK) != 0) {
        usage_error("%s %s: the folder %s takes no new file (%s): choose a writable folder", option, file, folder,
                    strerror(errno));
    }
}

static void parse_args(int argc, char **argv) {
    struct options *o = &s.opt;
    *o = (struct options){.ports_text = "9000-9019", .bind = "0.0.0.0", .backlog = 65535,
                          .status_interval_ms = 5000, .progress_every = 1000};
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help();
            exit(EXIT_CLEAN);
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("%s %s (%s)\n", PROGRAM, VERSION, IMPL);
            exit(EXIT_CLEAN);
        } else if (strcmp(argv[i], "--check-args") == 0) {
            o->check_args = true;
        } else if ((v = option_value(argc, argv, &i, "--ports")) != NULL) {
            o->ports_text = v;
        } else if ((v = option_value(argc, argv, &i, "--bind")) != NULL) {
            o->bind = v;
        } else if ((v = option_value(argc, argv, &i, "--backlog")) != NULL) {
            o->backlog = parse_int("--backlog", v, 1, 2147483647L);
        } else if ((v = option_value(argc, argv, &i, "--status-interval")) != NULL) {
            o->status_interval_ms = parse_duration("--status-interval", v);
        } else if ((v = option_value(argc, argv, &i, "--progress-every")) != NULL) {
            o->progress_every = parse_count("--progress-every", v);
        } else if ((v = option_value(argc, argv, &i, "--expected-connections")) != NULL) {
            o->expected_connections = parse_count("--expected-connections", v);
        } else if ((v = option_value(argc, argv, &i, "--summary")) != NULL) {
            o->summary = v;
        } else if ((v = option_value(argc, argv, &i, "--timeline")) != NULL) {
            o->timeline = v;
        } else if ((v = option_value(argc, argv, &i, "--log-file")) != NULL) {
            o->log_file = v;
        } else if (strncmp(argv[i], "--", 2) == 0) {
            usage_error("unknown option '%s'", argv[i]);
        } else {
            usage_error("unexpected argument '%s': every setting is an option such as --ports 9000-9019", argv[i]);
        }
    }
    parse_ports(o->ports_text);
    if (o->status_interval_ms < 1) {
        usage_error("--status-interval must be positive, e.g. 5s");
    }
    check_output("--summary", o->summary);
    check_output("--timeline", o->timeline);
    check_output("--log-file", o->log_file);
}

/* --bind: an IP address this host has, found by binding a probe socket to port 0 before any file is opened,
 * so a wrong address is a usage error (exit 2) with nothing written, as the jars do it. */
static void check_bind(struct sockaddr_storage *address, socklen_t *length) {
    memset(address, 0, sizeof *address);
    struct sockaddr_in *v4 = (struct sockaddr_in *)address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
    if (inet_pton(AF_INET, s.opt.bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        *length = sizeof *v4;
    } else if (inet_pton(AF_INET6, s.opt.bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        *length = sizeof *v6;
    } else {
        usage_error("--bind must be an IP address of this host (e.g. 0.0.0.0 for all, 127.0.0.1), got '%s'",
                    s.opt.bind);
    }
    int probe = socket(address->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && bind(probe, (struct sockaddr *)address, *length) != 0 && errno == EADDRNOTAVAIL) {
        usage_error("--bind %s is not an address of this host: choose one that 'ip -br addr' lists, or 0.0.0.0 for all",
                    s.opt.bind);
    }
    if (probe >= 0) {
        close(probe);
    }
}

/* ---------------------------------------------------------------- descriptors held in reserve */

static void reserve_release(int count) {
    for (int i = 0; i < count && i < RESERVE_FDS; i++) {
        if (s.reserve[i] >= 0) {
            close(s.reserve[i]);
            s.reserve[i] = -1;
        }
    }
}

static void reserve_refill(void) {
    for (int i = 0; i < RESERVE_FDS; i++) {
        if (s.reserve[i] < 0) {
            s.reserve[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        }
    }
}

/* ---------------------------------------------------------------- the summary, timeline and status */

static long long read_rss(void) {
    /* statm's second field: resident pages, the VmRSS the Java server reads from /proc/self/status. */
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    char text[128];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    long long size, resident;
    if (n <= 0) {
        return -1;
    }
    text[n] = '\0';
    if (sscanf(text, "%lld %lld", &size, &resident) != 2) {
        return -1;
    }
    return resident * sysconf(_SC_PAGESIZE);
}

/* Once a second: the memory at the highest open count seen is the cost at peak (as ServerSummary). */
static void sample(void) {
    s.rss = read_rss();
    if (!s.peak_sampled_any || s.open >= s.peak_sampled) {
        s.peak_sampled_any = true;
        s.peak_sampled = s.open;
        s.rss_at_peak = s.rss;
    }
}

static void json_string(FILE *f, const char *text) {
    if (text == NULL) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\') {
            fprintf(f, "\\%c", *c);
        } else if (*c < 0x20) {
            fprintf(f, "\\u%04x", *c);
        } else {
            fputc(*c, f);
        }
    }
    fputc('"', f);
}

static void json_time(FILE *f, long long ms) {
    char text[32];
    if (ms == 0) {
        fputs("null", f);
        return;
    }
    iso(ms, text);
    json_string(f, text);
}

static uint64_t accept_errors_naming_a_limit(void) {
    uint64_t count = 0;
    for (size_t k = 0; k < KIND_COUNT; k++) {
        count += error_kinds[k].names_a_limit ? error_kinds[k].count : 0;
    }
    return count;
}

/* The summary's fields: docs/interfaces.md's server summary where they apply, in its order. */
static void write_summary_fields(FILE *f) {
    long long now = wall_ms();
    fprintf(f, "{\n  \"schema\": %d,\n  \"impl\": \"%s\",\n  \"impl_version\": \"%s\",\n  \"role\": \"server\",\n",
            SUMMARY_SCHEMA, IMPL, VERSION);
    fprintf(f, "  \"state\": \"%s\",\n  \"transport\": \"epoll\",\n  \"ports\": [", s.state);
    for (int i = 0; i < s.port_count; i++) {
        fprintf(f, "%s%d", i ? ", " : "", s.ports[i].number);
    }
    fputs("],\n  \"bind\": ", f);
    json_string(f, s.opt.bind);
    fprintf(f, ",\n  \"backlog\": %ld,\n", s.opt.backlog);
    fprintf(f, "  \"open\": %" PRIu64 ",\n  \"peak_open\": %" PRIu64 ",\n  \"accepted\": %" PRIu64 ",\n", s.open,
            s.peak_open, s.accepted);
    fprintf(f, "  \"closed\": %" PRIu64 ",\n  \"reaped\": %" PRIu64 ",\n", s.closed, s.reaped);
    if (s.exit_code >= 0) {
        fprintf(f, "  \"open_at_stop\": %" PRIu64 ",\n", s.open_at_stop);
    }
    fprintf(f, "  \"accept_errors\": {\"count\": %" PRIu64 ", \"first\": [", accept_errors_naming_a_limit());
    for (int i = 0; i < s.first_error_count; i++) {
        fputs(i ? ", " : "", f);
        json_string(f, s.first_errors[i]);
    }
    fputs("], \"by_kind\": {", f);
    bool any = false;
    for (size_t k = 0; k < KIND_COUNT; k++) {
        if (error_kinds[k].count > 0) {
            fprintf(f, "%s\"%s\": %" PRIu64, any ? ", " : "", error_kinds[k].name, error_kinds[k].count);
            any = true;
        }
    }
    fprintf(f, "}, \"shed\": %" PRIu64 "},\n", s.shed);
    fprintf(f, "  \"bytes_echoed\": %" PRIu64 ",\n  \"rss_bytes\": %lld,\n  \"rss_bytes_at_peak\": %lld,\n",
            s.bytes_echoed, s.rss, s.rss_at_peak);
    fputs("  \"started_at\": ", f);
    json_time(f, s.started_ms);
    fputs(",\n  \"first_connection_at\": ", f);
    json_time(f, s.first_connection_ms);
    fputs(",\n  \"peak_at\": ", f);
    json_time(f, s.peak_ms);
    fputs(",\n  \"updated_at\": ", f);
    json_time(f, now);
    fprintf(f, ",\n  \"updated_at_ms\": %lld,\n", now);
    if (s.exit_code >= 0) {
        fprintf(f, "  \"exit_code\": %d,\n  \"exit_reason\": ", s.exit_code);
        json_string(f, s.exit_reason);
    } else {
        fputs("  \"exit_code\": null,\n  \"exit_reason\": null", f);
    }
    fputs(",\n  \"per_port_open\": {", f);
    for (int i = 0; i < s.port_count; i++) {
        fprintf(f, "%s\"%d\": %" PRIu64, i ? ", " : "", s.ports[i].number, s.ports[i].open);
    }
    fprintf(f, "},\n  \"nofile_soft\": %llu,\n  \"nofile_hard\": %llu,\n", (unsigned long long)s.nofile_soft,
            (unsigned long long)s.nofile_hard);
    fputs("  \"hostname\": ", f);
    json_string(f, s.hostname);
    fputs(",\n  \"timeline_problem\": ", f);
    json_string(f, s.timeline_problem[0] ? s.timeline_problem : NULL);
    fputs(",\n  \"log_problem\": ", f);
    json_string(f, s.log_problem[0] ? s.log_problem : NULL);
    fputs("\n}\n", f);
}

/* Whole or not at all: written to FILE.tmp and renamed over FILE; a failure (a full disk) removes the
 * temporary file, keeps the last whole summary and is said once. */
static bool write_summary(void) {
    if (s.opt.summary == NULL) {
        return true;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", s.opt.summary);
    FILE *f = fopen(tmp, "we");
    int err = 0;
    if (f == NULL) {
        err = errno;
    } else {
        write_summary_fields(f);
        if (ferror(f)) {
            err = errno ? errno : EIO;
        }
        if (fclose(f) != 0 && err == 0) {
            err = errno;
        }
        if (err == 0 && rename(tmp, s.opt.summary) != 0) {
            err = errno;
        }
        if (err != 0) {
            unlink(tmp);
        }
    }
    if (err != 0) {
        if (s.summary_problem[0] == '\0') {
            snprintf(s.summary_problem, sizeof s.summary_problem, "cannot write summary %s: %s", s.opt.summary,
                     strerror(err));
            say("WARN", "The summary is not written: %s (said once; the last whole one stays)", s.summary_problem);
        }
        return false;
    }
    if (s.summary_problem[0] != '\0') {
        say("INFO", "The summary is written again: %s", s.opt.summary);
        s.summary_problem[0] = '\0';
    }
    return true;
}

/* One row, whole or none (as the jars' Timeline): written at the end of the last whole row, and a failed
 * write is cut back to it, so a full disk never leaves half a row glued to the next. */
static void append_timeline_row(const char *row, size_t length) {
    if (s.timeline_fd < 0) {
        return;
    }
    off_t at = s.timeline_end;
    size_t done = 0;
    while (done < length) {
        ssize_t w = pwrite(s.timeline_fd, row + done, length - done, at + (off_t)done);
        if (w <= 0) {
            int err = w < 0 ? errno : ENOSPC;
            if (ftruncate(s.timeline_fd, s.timeline_end) != 0) {
                /* Cannot even cut: the next row that fits overwrites the partial bytes from the same end. */
            }
            if (s.timeline_problem[0] == '\0') {
                snprintf(s.timeline_problem, sizeof s.timeline_problem, "cannot append to timeline %s: %s",
                         s.opt.timeline, strerror(err));
                say("WARN", "Timeline rows are not written: %s (the summary still is; said once)", s.timeline_problem);
            }
            return;
        }
        done += (size_t)w;
    }
    s.timeline_end = at + (off_t)length;
    if (s.timeline_problem[0] != '\0') {
        say("INFO", "The timeline takes rows again");
        s.timeline_problem[0] = '\0';
    }
}

static void timeline_row(void) {
    if (s.timeline_fd < 0) {
        return;
    }
    char when[32], row[256];
    iso(wall_ms(), when);
    int n = snprintf(row, sizeof row, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%lld,%" PRIu64 "\n", when, s.open,
                     s.accepted, s.closed, s.rss, s.reaped);
    append_timeline_row(row, (size_t)n);
}

/* A status line only when connections came or went since the last one (as ServerReporter). */
static void status_line(void) {
    if (s.status_said && s.accepted == s.status_accepted && s.closed == s.status_closed) {
        return;
    }
    s.status_said = true;
    s.status_accepted = s.accepted;
    s.status_closed = s.closed;
    char open[32], peak[32], accepted[32], closed[32];
    say("INFO", "Status: %s open (peak %s), %s accepted, %s closed, RSS %.1f MiB", grouped(s.open, open),
        grouped(s.peak_open, peak), grouped(s.accepted, accepted), grouped(s.closed, closed),
        s.rss / 1048576.0);
}

/* Once a second: sample, a timeline row, the summary; listeners paused at a wall go back into the set. */
static void tick(long long ticks) {
    reserve_release(RESERVE_FDS);
    sample();
    timeline_row();
    write_summary();
    reserve_refill();
    for (int i = 0; i < s.port_count; i++) {
        if (s.ports[i].paused) {
            struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTENER | TAG(s.ports[i].listen_fd, i)};
            if (epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.ports[i].listen_fd, &ev) == 0) {
                s.ports[i].paused = false;
            }
        }
    }
    long long every = s.opt.status_interval_ms / 1000;
    if (ticks % (every < 1 ? 1 : every) == 0) {
        status_line();
    }
}

/* ---------------------------------------------------------------- connections */

static void remember_error(size_t kind, const char *call, int err) {
    error_kinds[kind].count++;
    if (error_kinds[kind].names_a_limit && s.first_error_count < FIRST_ERRORS_KEPT) {
        /* Worded as Netty's, so the lab's lines read the same for both servers. */
        snprintf(s.first_errors[s.first_error_count++], sizeof s.first_errors[0], "%s(..) failed: %s", call,
                 strerror(err));
    }
    if (error_kinds[kind].count == 1) {
        say("WARN", "%s(..) failed: %s (%s; counted in the summary's accept_errors, said once a kind)", call,
            strerror(err), error_kinds[kind].name);
    }
}

static size_t accept_error_kind(int err) {
    for (size_t k = 0; k < KIND_EPOLL_ENOSPC; k++) {
        if (error_kinds[k].err == err) {
            return k;
        }
    }
    return KIND_COUNT - 1;
}

/* Closes a connection: it leaves the epoll set with its descriptor. A read that timed out or found the
 * peer's host unreachable is the kernel giving up on a silent peer: reaped, as the Java server counts. */
static void close_connection(int fd, int index, int err) {
    close(fd);
    s.open--;
    s.ports[index].open--;
    s.closed++;
    if (err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH) {
        s.reaped++;
    }
}

static void progress(void) {
    long long now = mono_ns();
    if (s.accepted == 1) {
        s.first_connection_ms = wall_ms();
        s.progress_step_ns = now;
    }
    if (s.opt.progress_every <= 0 || s.accepted % (uint64_t)s.opt.progress_every != 0) {
        return;
    }
    char total[32], open[32], step[32];
    say("INFO", "Accepted %s %s, %s open, %.1f s since the first, last %s in %lld ms", grouped(s.accepted, total),
        s.accepted == 1 ? "connection" : "connections", grouped(s.open, open),
        (wall_ms() - s.first_connection_ms) / 1000.0, grouped((uint64_t)s.opt.progress_every, step),
        (now - s.progress_step_ns) / 1000000);
    s.progress_step_ns = now;
}

static void connection_opened(int fd, int index) {
    int on = 1;
    /* As the Java server: an echo leaves at once, never held back for a full segment. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = TAG(fd, index)};
    if (epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        int err = errno;
        close(fd);
        remember_error(err == ENOSPC ? KIND_EPOLL_ENOSPC : KIND_EPOLL_ENOMEM, "epoll_ctl", err);
        return;
    }
    s.accepted++;
    s.open++;
    s.ports[index].open++;
    if (s.open > s.peak_open) {
        s.peak_open = s.open;
        s.peak_ms = wall_ms();
    }
    progress();
}

/* At the open-files wall: free a reserve descriptor, accept the waiting connection on it and close it at
 * once, so the peer hears a close instead of waiting in the backlog and the listener stops being ready
 * (the seeds' "Too many open files"). 1: one shed; 0: nothing was waiting (accept4 says EMFILE before it
 * looks at the queue, so the call after the last one always does); -1: not even that could be done. */
static int shed_one(int listen_fd) {
    reserve_release(1);
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    int err = errno;
    if (fd >= 0) {
        close(fd);
        s.shed++;
    }
    reserve_refill();
    return fd >= 0 ? 1 : (err == EAGAIN || err == EWOULDBLOCK) ? 0 : -1;
}

static void pause_listener(int index) {
    epoll_ctl(s.epoll_fd, EPOLL_CTL_DEL, s.ports[index].listen_fd, NULL);
    s.ports[index].paused = true; /* back at the next tick, as Netty pauses accepting for a moment */
}

static void accept_all(int index) {
    int listen_fd = s.ports[index].listen_fd;
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            connection_opened(fd, index);
            continue;
        }
        int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK) {
            return;
        }
        if (err == EINTR) {
            continue;
        }
        int shed = (err == EMFILE || err == ENFILE) ? shed_one(listen_fd) : -1;
        if (shed == 0) {
            return; /* the queue is empty: no connection was refused */
        }
        remember_error(accept_error_kind(err), "accept", err);
        if (shed > 0 || err == ECONNABORTED || err == EPROTO || err == EPERM) {
            continue; /* one connection's problem (or shed), not the listener's */
        }
        pause_listener(index);
        return;
    }
}

/* One read's worth: peek, send what the send buffer takes, consume exactly that. Bytes that did not fit
 * stay in the kernel's receive buffer; the connection then waits for EPOLLOUT only (not EPOLLIN, which
 * would be ready again at once under level triggering) and reads again when the peer has drained. */
static void echo(int fd, int index) {
    char buffer[READ_BUFFER_BYTES];
    ssize_t n = recv(fd, buffer, sizeof buffer, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) {
        close_connection(fd, index, 0);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close_connection(fd, index, errno);
        }
        return;
    }
    ssize_t sent = send(fd, buffer, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close_connection(fd, index, errno);
            return;
        }
        sent = 0;
    }
    if (sent > 0) {
        if (recv(fd, buffer, (size_t)sent, MSG_DONTWAIT) != sent) {
            /* Cannot happen: those bytes were just peeked. A socket that says otherwise is broken. */
            close_connection(fd, index, EIO);
            return;
        }
        s.bytes_echoed += (uint64_t)sent;
    }
    if (sent < n) {
        struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = TAG(fd, index)};
        epoll_ctl(s.epoll_fd, EPOLL_CTL_MOD, fd, &ev);
    }
}

static void connection_ready(uint64_t tag, uint32_t events) {
    int fd = TAG_FD(tag), index = TAG_INDEX(tag);
    if (events & EPOLLERR) {
        int err = 0;
        socklen_t length = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length);
        close_connection(fd, index, err);
        return;
    }
    if (events & EPOLLOUT) {
        /* The peer drained what it was sent: read again (and try at once: data may be waiting). */
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = tag};
        epoll_ctl(s.epoll_fd, EPOLL_CTL_MOD, fd, &ev);
    }
    /* EPOLLRDHUP/EPOLLHUP: the peer closed its side; echo what it sent before, then recv says 0 and it closes. */
    echo(fd, index);
}

/* ---------------------------------------------------------------- start and stop */

/* The summary of a run that stopped before it served (a port in use, a host that cannot hold it): who,
 * when and why, as the jars' ExitSummary writes it, so no exit leaves a summary without a code and reason. */
static void exit_summary(int code, const char *reason) {
    if (s.opt.summary == NULL) {
        return;
    }
    char tmp[4200], when[32];
    snprintf(tmp, sizeof tmp, "%s.tmp", s.opt.summary);
    long long now = wall_ms();
    FILE *f = fopen(tmp, "we");
    if (f == NULL) {
        return;
    }
    fprintf(f, "{\n  \"impl\": \"%s\",\n  \"role\": \"server\",\n  \"state\": \"stopped\",\n  \"exit_code\": %d,\n",
            IMPL, code);
    fputs("  \"exit_reason\": ", f);
    json_string(f, reason);
    iso(now, when);
    fprintf(f, ",\n  \"started_at\": \"%s\",\n  \"updated_at\": \"%s\",\n  \"updated_at_ms\": %lld,\n", when, when,
            now);
    fputs("  \"hostname\": ", f);
    json_string(f, s.hostname);
    fputs("\n}\n", f);
    if (fclose(f) != 0 || rename(tmp, s.opt.summary) != 0) {
        unlink(tmp);
    }
}

/* The open-files limit: soft raised to hard (the JVM does the same), then checked against the ports and,
 * with --expected-connections, the target; exit 3 naming the limit and the fix. */
static void check_open_files(void) {
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    s.nofile_soft = limit.rlim_cur;
    s.nofile_hard = limit.rlim_max;
    unsigned long long fixed = FIXED_FDS + RESERVE_FDS + (unsigned long long)s.port_count;
    unsigned long long needed = fixed + (unsigned long long)s.opt.expected_connections;
    if (limit.rlim_cur != RLIM_INFINITY && needed > limit.rlim_cur) {
        char reason[600];
        snprintf(reason, sizeof reason,
                 "%s: this host cannot hold %lld connections on %d ports: open files limit (nofile) %llu, needed %llu "
                 "(%llu for the listeners, the reserve and the logs). Fix: raise LimitNOFILE (systemd) or "
                 "'ulimit -n' to at least %llu, or ask for fewer connections or --ports",
                 PROGRAM, s.opt.expected_connections, s.port_count, (unsigned long long)limit.rlim_cur, needed, fixed,
                 needed);
        fprintf(stderr, "%s\n", reason);
        if (s.log_fd >= 0 && write(s.log_fd, reason, strlen(reason)) < 0) {
            /* stderr has it. */
        }
        exit_summary(EXIT_HOST_CANNOT_HOLD, reason);
        exit(EXIT_HOST_CANNOT_HOLD);
    }
}

static int open_output(const char *option, const char *file, int flags) {
    if (file == NULL) {
        return -1;
    }
    int fd = open(file, flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        usage_error("%s %s takes no new file: %s", option, file, strerror(errno));
    }
    return fd;
}

static void listen_all(const struct sockaddr_storage *address, socklen_t length) {
    for (int i = 0; i < s.port_count; i++) {
        struct sockaddr_storage at = *address;
        if (at.ss_family == AF_INET) {
            ((struct sockaddr_in *)&at)->sin_port = htons((uint16_t)s.ports[i].number);
        } else {
            ((struct sockaddr_in6 *)&at)->sin6_port = htons((uint16_t)s.ports[i].number);
        }
        int fd = socket(at.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int on = 1;
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        }
        if (fd < 0 || bind(fd, (struct sockaddr *)&at, length) != 0 || listen(fd, (int)s.opt.backlog) != 0) {
            int err = errno;
            char reason[400];
            snprintf(reason, sizeof reason, "cannot listen on %s:%d: %s%s", s.opt.bind, s.ports[i].number,
                     strerror(err),
                     err == EADDRINUSE ? " (another server is already listening there: stop it or choose other --ports)"
                     : err == EACCES   ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE: choose other --ports)"
                                       : "");
            fprintf(stderr, "%s: %s\n", PROGRAM, reason);
            if (s.log_fd >= 0) {
                say("ERROR", "%s", reason);
            }
            exit_summary(EXIT_BIND_FAILED, reason);
            exit(EXIT_BIND_FAILED);
        }
        s.ports[i].listen_fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTENER | TAG(fd, i)};
        epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }
}

static void check_args_and_exit(void) {
    printf("{\"ports\": [");
    for (int i = 0; i < s.port_count; i++) {
        printf("%s%d", i ? ", " : "", s.ports[i].number);
    }
    printf("], \"bind\": \"%s\", \"backlog\": %ld, \"status_interval_ms\": %lld, \"progress_every\": %lld}\n",
           s.opt.bind, s.opt.backlog, s.opt.status_interval_ms, s.opt.progress_every);
    exit(EXIT_CLEAN);
}

/* SIGTERM/SIGINT: listeners closed, every connection closed (counted as closed; open_at_stop keeps how
 * many there were), the last row and the final summary written, exit 0. */
static int stop(const char *signal_name) {
    char open[32], accepted[32], peak[32];
    say("INFO", "Stopping on %s: %s open, %s accepted, peak %s", signal_name, grouped(s.open, open),
        grouped(s.accepted, accepted), grouped(s.peak_open, peak));
    for (int i = 0; i < s.port_count; i++) {
        close(s.ports[i].listen_fd);
    }
    /* Every descriptor from first_connection_fd up is a connection (the files, the reserve and the epoll
     * set were opened before the first listener); sample first, while RSS still holds them all. */
    sample();
    close_range((unsigned)s.first_connection_fd, ~0U, 0);
    s.open_at_stop = s.open;
    s.closed += s.open;
    s.open = 0;
    for (int i = 0; i < s.port_count; i++) {
        s.ports[i].open = 0;
    }
    s.state = "stopped";
    s.exit_code = EXIT_CLEAN;
    snprintf(s.exit_reason, sizeof s.exit_reason, "stopped by %s", signal_name);
    timeline_row();
    bool written = write_summary();
    if (s.opt.summary == NULL) {
        say("INFO", "Stopped; summary not written (no --summary)");
    } else if (written) {
        say("INFO", "Stopped; summary %s", s.opt.summary);
    } else {
        say("ERROR", "Stopped; summary NOT written: %s", s.summary_problem);
    }
    return EXIT_CLEAN;
}

int main(int argc, char **argv) {
    /* Signals first: a SIGTERM during start-up is then still a graceful stop read from the signalfd. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    s.started_ms = wall_ms();
    gethostname(s.hostname, sizeof s.hostname - 1);
    parse_args(argc, argv);
    struct sockaddr_storage address;
    socklen_t address_length;
    check_bind(&address, &address_length);
    if (s.opt.check_args) {
        check_args_and_exit();
    }

    /* The files, the reserve, the signalfd and the epoll set before any listener: every descriptor above
     * them is then a listener or a connection. */
    s.log_fd = open_output("--log-file", s.opt.log_file, O_APPEND);
    s.timeline_fd = open_output("--timeline", s.opt.timeline, O_TRUNC);
    check_open_files();
    for (int i = 0; i < RESERVE_FDS; i++) {
        s.reserve[i] = -1;
    }
    reserve_refill();
    s.signal_fd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
    s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (s.signal_fd < 0 || s.epoll_fd < 0) {
        fprintf(stderr, "%s: cannot create the epoll set or signalfd: %s\n", PROGRAM, strerror(errno));
        exit_summary(EXIT_BIND_FAILED, "cannot create the epoll set or signalfd");
        return EXIT_BIND_FAILED;
    }
    struct epoll_event signal_event = {.events = EPOLLIN, .data.u64 = TAG_LISTENER | TAG(s.signal_fd, 0xffff)};
    epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.signal_fd, &signal_event);
    s.first_connection_fd = s.epoll_fd + 1;
    if (s.timeline_fd >= 0) {
        const char *header = "time,open,accepted,closed,rss_bytes,reaped\n";
        append_timeline_row(header, strlen(header));
    }
    listen_all(&address, address_length);
    say("INFO", "Listening on %s ports %s (%d), backlog %ld, one epoll thread (level-triggered); open files %llu",
        s.opt.bind, s.opt.ports_text, s.port_count, s.opt.backlog, (unsigned long long)s.nofile_soft);

    sample();
    write_summary();
    static struct epoll_event events[EVENTS_PER_WAIT];
    long long next_tick = mono_ns() + 1000000000LL, ticks = 0;
    for (;;) {
        long long wait_ms = (next_tick - mono_ns()) / 1000000;
        int n = epoll_wait(s.epoll_fd, events, EVENTS_PER_WAIT, wait_ms < 0 ? 0 : (int)wait_ms);
        for (int e = 0; e < n; e++) {
            uint64_t tag = events[e].data.u64;
            if (!(tag & TAG_LISTENER)) {
                connection_ready(tag, events[e].events);
            } else if (TAG_INDEX(tag) == 0xffff) {
                struct signalfd_siginfo info;
                if (read(s.signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
                    return stop(info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
                }
            } else {
                accept_all(TAG_INDEX(tag));
            }
        }
        if (mono_ns() >= next_tick) {
            next_tick += 1000000000LL;
            tick(++ticks);
        }
    }
}
