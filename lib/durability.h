// When one fsync is enough.  Directory fsyncs are a whole journal commit
// each on ext4 and were half of our disk flushes (queue/FORMAT.md
// "Writing", local/README.md "Maildir").
#ifndef MAILSUITE_LIB_DURABILITY_H_
#define MAILSUITE_LIB_DURABILITY_H_

namespace ms {

// True when the filesystem holding fd journals metadata in order and an
// fsync of a regular file also commits the latest rename of that file
// (the rename updates the file's own inode): ext3/ext4 and XFS.  False
// for anything else, and when control/fsyncdirectories is 1 — which an
// operator must set for ext2 or ext4 without a journal, as they share
// ext4's magic number.  Reads the control file on every call.
bool MetadataJournaledInOrder(int fd);

}  // namespace ms

#endif  // MAILSUITE_LIB_DURABILITY_H_
