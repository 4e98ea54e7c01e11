// The measurement behind filter/README.md "GMime": GMime's own parser
// (GMimeParser) reading a message from a pipe, as a QMAILQUEUE filter
// would, prints its peak RSS.  Build and run:
//   gcc -O2 -o /tmp/gmime-parser bench/filter-gmime-parser.c $(pkg-config --cflags --libs gmime-3.0)
//   cat message | /usr/bin/time -f %M /tmp/gmime-parser
#include <gmime/gmime.h>
#include <stdio.h>
#include <sys/resource.h>
int main(void) {
  g_mime_init();
  GMimeStream *s = g_mime_stream_pipe_new(0);  /* stdin: a pipe */
  GMimeParser *p = g_mime_parser_new_with_stream(s);
  GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
  struct rusage r; getrusage(RUSAGE_SELF, &r);
  printf("%s maxrss %ld KiB\n", m ? "parsed" : "failed", r.ru_maxrss);
  return 0;
}
