// When one fsync is enough.  Directory fsyncs are a flush of the disk's
// cache each and were a third or more of our flushes per message
// (queue/FORMAT.md "Writing", local/README.md "Maildir").
#ifndef MAILSUITE_LIB_DURABILITY_H_
#define MAILSUITE_LIB_DURABILITY_H_

namespace ms {

// True when an fsync of a regular file also makes durable the directory
// entry most recently added for it (its creation, or a rename into another
// directory), so "rename, then fsync the file" is one flush where
// "fsync, rename, fsync the directory" are two:
//  - XFS and ext3/ext4 with a journal: the rename updates the file's own
//    inode, so the file's fsync commits the journal transaction holding
//    the rename;
//  - ext4 without a journal (and ext2/ext3 mounted by the ext4 driver):
//    the driver's fsync writes the parent directory of an entry added
//    since the file's last fsync (fs/ext4/fsync.c, ext4_sync_parent: "a
//    crash may lose the file" otherwise) before its one cache flush.
// Only the ext4 driver has /sys/fs/ext4/<device>; the old ext2 driver,
// tmpfs, btrfs, NFS and anything unreadable get false, as does everything
// when control/fsyncdirectories is 1.  Reads the control file on every
// call; sysfs once per device and process.
bool FsyncCommitsNewName(int fd);

// Stronger: the filesystem journals metadata in order (XFS, ext4 with a
// journal thread in /sys/fs/ext4/<device>/journal_task), so a metadata
// change made later (send unlinking the queue file) cannot reach the disk
// before an earlier one (a rename into Maildir/new).  False without a
// journal and when control/fsyncdirectories is 1.
bool MetadataJournaledInOrder(int fd);

}  // namespace ms

#endif  // MAILSUITE_LIB_DURABILITY_H_
