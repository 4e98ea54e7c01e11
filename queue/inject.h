// mailsuite-inject / sendmail (INJECT.md).
#ifndef MAILSUITE_QUEUE_INJECT_H_
#define MAILSUITE_QUEUE_INJECT_H_

namespace ms::queue {

int InjectMain(int argc, char** argv);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_INJECT_H_
