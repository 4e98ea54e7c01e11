// When one fsync is enough.  Directory fsyncs are a whole journal commit
// each on ext4 and were half of our disk flushes (queue/FORMAT.md
// "Writing", local/README.md "Maildir").
#ifndef MAILSUITE_LIB_DURABILITY_H_
#define MAILSUITE_LIB_DURABILITY_H_

namespace ms {

// True when the filesystem holding fd journals metadata in order and an
// fsync of a regular file also commits the latest rename of that file
// (the rename updates the file's own inode): ext3/ext4 with a journal (the
// kernel's /sys/fs/ext4/<device>/journal_task names its thread) and XFS.
// False for anything else — ext4 without a journal, ext2, tmpfs, btrfs,
// an unreadable sysfs — and when control/fsyncdirectories is 1.  Reads
// sysfs and the control file on every call.
bool MetadataJournaledInOrder(int fd);

}  // namespace ms

#endif  // MAILSUITE_LIB_DURABILITY_H_
