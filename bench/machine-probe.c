/* bench/machine-probe: the two costs that decide how mail servers compare
 * on a machine, printed at the top of `make bench` so figures from
 * different hosts can be compared: fork+_exit+waitpid of this small
 * process (page-table work, which virtualisation makes 5-10x dearer on
 * some hosts), and the latency of a 4 KiB write + fsync in DIR (the
 * queue's durability cost).
 *
 *   machine-probe [DIR [FORKS [FSYNCS]]]   (defaults /tmp 2000 200)
 * Prints two lines, "fork+exit+wait: ..." and "fsync 4 KiB: ...", with
 * the median and the CPU time (user+system, parent and children). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static double cpu_us(int who) {
  struct rusage r;
  getrusage(who, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double median(double* v, int n) {
  qsort(v, n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/tmp";
  int forks = argc > 2 ? atoi(argv[2]) : 2000;
  int fsyncs = argc > 3 ? atoi(argv[3]) : 200;
  if (forks < 1 || fsyncs < 1) {
    fprintf(stderr, "usage: machine-probe [DIR [FORKS [FSYNCS]]]\n");
    return 100;
  }
  double* t = calloc(forks > fsyncs ? forks : fsyncs, sizeof(double));
  if (t == NULL) return 111;
  double cpu0 = cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN);
  for (int i = 0; i < forks; ++i) {
    double start = now_us();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 111; }
    if (pid == 0) _exit(0);
    int status;
    while (waitpid(pid, &status, 0) < 0) {}
    t[i] = now_us() - start;
  }
  double cpu = (cpu_us(RUSAGE_SELF) + cpu_us(RUSAGE_CHILDREN) - cpu0) / forks;
  printf("fork+exit+wait: median %.0f us wall, %.0f us CPU (%d forks)\n", median(t, forks), cpu, forks);

  char path[4096];
  snprintf(path, sizeof path, "%s/machine-probe.%d", dir, (int)getpid());
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) { perror(path); return 111; }
  char block[4096];
  memset(block, 'x', sizeof block);
  for (int i = 0; i < fsyncs; ++i) {
    double start = now_us();
    if (pwrite(fd, block, sizeof block, (off_t)i * sizeof block) != sizeof block || fsync(fd) != 0) {
      perror("write/fsync");
      unlink(path);
      return 111;
    }
    t[i] = now_us() - start;
  }
  close(fd);
  unlink(path);
  printf("fsync 4 KiB: median %.0f us (%d appends + fsync in %s)\n", median(t, fsyncs), fsyncs, dir);
  free(t);
  return 0;
}
