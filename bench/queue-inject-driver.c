/*
 * queue-inject-driver: the load generator of bench/queue-inject.
 *
 *   queue-inject-driver QUEUE_PROGRAM SECONDS THREADS BYTES
 *
 * THREADS threads each run QUEUE_PROGRAM (posix_spawn) again and again,
 * with a BYTES message on fd 0 and an envelope on fd 1 (pipes filled
 * before the spawn), and wait for it, for SECONDS.  The environment is
 * passed on (MAILSUITE_QUEUE).  Prints:
 *   queue-inject threads=T bytes=B secs=S ops=N rate=R failed=F
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static const char *program;
static double run_secs;
static size_t nbytes;
static char *message;
static const char envelope[] = "Fbench@example.test\0Tuser@example.test\0";  /* + final NUL */
static volatile int stop_flag;

struct worker { long ops, failed; int last_status, last_errno; };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *work(void *arg) {
  struct worker *w = arg;
  while (!stop_flag) {
    int m[2], e[2];
    if (pipe2(m, O_CLOEXEC) || pipe2(e, O_CLOEXEC)) { w->failed++; break; }
    /* Both fit the pipe buffer (64 KiB), so no writer thread is needed. */
    if (write(m[1], message, nbytes) != (ssize_t)nbytes ||
        write(e[1], envelope, sizeof envelope) != (ssize_t)sizeof envelope) { w->failed++; }
    close(m[1]);
    close(e[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, m[0], 0);
    posix_spawn_file_actions_adddup2(&fa, e[0], 1);
    pid_t pid;
    char *argv[] = {(char *)program, NULL};
    int rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(m[0]);
    close(e[0]);
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
      w->failed++;
      w->last_status = status;
      w->last_errno = rc;
    }
    else
      w->ops++;
  }
  return NULL;
}



int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: queue-inject-driver PROGRAM SECONDS THREADS BYTES\n");
    return 2;
  }
  program = argv[1];
  run_secs = atof(argv[2]);
  int threads = atoi(argv[3]);
  nbytes = (size_t)atol(argv[4]);
  if (run_secs <= 0 || run_secs > 600 || threads < 1 || threads > 64 || nbytes < 32 || nbytes > 60000) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  message = malloc(nbytes);
  memset(message, 'x', nbytes);
  memcpy(message, "Subject: bench\n\n", 16);
  for (size_t i = 79; i < nbytes; i += 80) message[i] = '\n';
  pthread_t t[64];
  struct worker w[64];
  memset(w, 0, sizeof w);
  double start = now();
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, work, &w[i]);
  while (now() - start < run_secs) usleep(10000);
  stop_flag = 1;
  long ops = 0, failed = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(t[i], NULL);
    ops += w[i].ops;
    failed += w[i].failed;
    if (w[i].failed)
      fprintf(stderr, "thread %d: %ld failed, last wait status %d, spawn error %s\n", i,
              w[i].failed, w[i].last_status, strerror(w[i].last_errno));
  }
  double secs = now() - start;
  printf("queue-inject threads=%d bytes=%zu secs=%.2f ops=%ld rate=%.1f failed=%ld\n", threads,
         nbytes, secs, ops, ops / secs, failed);
  return failed ? 1 : 0;
}
