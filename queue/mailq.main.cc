// The queue listing (qread.h); the same program under its mailq name.
#include "queue/qread.h"

int main(int argc, char** argv) { return ms::queue::QreadMain(argc, argv); }
