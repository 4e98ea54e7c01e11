/*
 * pop3-login-driver: the load generator of bench/pop3d-bench --logins.
 *
 *   pop3-login-driver PORT USER PASSWORD CLIENTS LOGINS
 *
 * CLIENTS threads share LOGINS logins to 127.0.0.1:PORT, client i as USER
 * with its one "%d" replaced by i (a mailbox is locked by its session, so
 * concurrent clients need mailboxes of their own); each login is
 * connect, greeting, USER, PASS, STAT, QUIT, then a read to end of file
 * (the server closed: the session is over, not only answered).  Every
 * reply must start with "+OK"; STAT's must be "+OK 1 " (the one-message
 * mailbox).  Written in C so that the client costs little beside the
 * server: it prints its own CPU time, and the bench compares it with the
 * server's.  Prints one line:
 *   pop3-login clients=C logins=N failed=F secs=S rate=R client_cpu_ms=X
 * Exit 0 when no login failed, 1 otherwise (first failure on stderr),
 * 2 for bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *user, *password;
static long total_logins;
static atomic_long next_login;
static atomic_long failures;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reported;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *what, const char *detail) {
  pthread_mutex_lock(&report_lock);
  if (!reported++) fprintf(stderr, "pop3-login-driver: first failure: %s: %s\n", what, detail);
  pthread_mutex_unlock(&report_lock);
}

/* One reply line; the server sends nothing unasked, so nothing is read past it. */
struct conn { int fd; char buf[1024]; size_t len; };

static int read_line(struct conn *c, char *line, size_t size) {
  for (int reads = 0; reads < 64; reads++) {
    char *lf = memchr(c->buf, '\n', c->len);
    if (lf) {
      size_t n = (size_t)(lf - c->buf) + 1;
      size_t copy = n < size ? n : size - 1;
      memcpy(line, c->buf, copy);
      line[copy] = 0;
      memmove(c->buf, c->buf + n, c->len - n);
      c->len -= n;
      return 0;
    }
    if (c->len == sizeof c->buf) return -1;
    ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (r <= 0) return -1;
    c->len += (size_t)r;
  }
  return -1;
}

static int command(struct conn *c, const char *cmd, const char *expect) {
  char line[1024];
  if (cmd) {
    size_t n = strlen(cmd);
    if (write(c->fd, cmd, n) != (ssize_t)n) { report(cmd, strerror(errno)); return -1; }
  }
  if (read_line(c, line, sizeof line)) { report(cmd ? cmd : "greeting", "no reply"); return -1; }
  if (strncmp(line, expect, strlen(expect))) { report(cmd ? cmd : "greeting", line); return -1; }
  return 0;
}

static int login_once(const char *name) {
  struct conn c = {.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), .len = 0};
  if (c.fd < 0) { report("socket", strerror(errno)); return -1; }
  struct timeval tv = {.tv_sec = 30};
  setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = -1;
  char cmd[600];
  if (connect(c.fd, (struct sockaddr *)&sa, sizeof sa)) { report("connect", strerror(errno)); goto out; }
  if (command(&c, NULL, "+OK")) goto out;
  snprintf(cmd, sizeof cmd, "USER %s\r\n", name);
  if (command(&c, cmd, "+OK")) goto out;
  snprintf(cmd, sizeof cmd, "PASS %s\r\n", password);
  if (command(&c, cmd, "+OK")) goto out;
  if (command(&c, "STAT\r\n", "+OK 1 ")) goto out;
  if (command(&c, "QUIT\r\n", "+OK")) goto out;
  char rest[256];
  ssize_t r = read(c.fd, rest, sizeof rest);
  if (r != 0) { report("end of file after QUIT", r < 0 ? strerror(errno) : "more data"); goto out; }
  rc = 0;
out:
  close(c.fd);
  return rc;
}

static void *client(void *arg) {
  char name[520];
  /* The pattern was checked in main: one %d, no other conversion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(name, sizeof name, user, (int)(long)arg);
#pragma GCC diagnostic pop
  while (atomic_fetch_add(&next_login, 1) < total_logins)
    if (login_once(name)) atomic_fetch_add(&failures, 1);
  return NULL;
}

static double cpu_ms(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 +
         (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: pop3-login-driver PORT USER PASSWORD CLIENTS LOGINS\n");
    return 2;
  }
  port = atoi(argv[1]);
  user = argv[2];
  password = argv[3];
  int clients = atoi(argv[4]);
  total_logins = atol(argv[5]);
  if (port < 1 || port > 65535 || clients < 1 || clients > 64 || total_logins < 1 ||
      total_logins > 1000000 || strlen(user) > 500 || strlen(password) > 500 ||
      !strstr(user, "%d") || strchr(strstr(user, "%d") + 1, '%') || strchr(user, '%') != strstr(user, "%d")) {
    fprintf(stderr, "pop3-login-driver: bad arguments\n");
    return 2;
  }
  pthread_t t[64];
  double start = now();
  for (int i = 0; i < clients; i++)
    if (pthread_create(&t[i], NULL, client, (void *)(long)i)) { perror("pthread_create"); return 1; }
  for (int i = 0; i < clients; i++) pthread_join(t[i], NULL);
  double secs = now() - start;
  long failed = atomic_load(&failures);
  printf("pop3-login clients=%d logins=%ld failed=%ld secs=%.3f rate=%.1f client_cpu_ms=%.1f\n",
         clients, total_logins, failed, secs, total_logins / secs, cpu_ms());
  return failed ? 1 : 0;
}
