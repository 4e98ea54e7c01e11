"""A process's descendants from /proc, for the benchmarks that sum the
CPU or memory of a server's whole process tree (pop3d-bench,
session-memory)."""
import os


def process_tree(root):
    """(pid, comm, stat fields after the comm) of every descendant of root,
    root itself not included; a process that ends meanwhile is skipped."""
    by_parent = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index(b"(") + 1:st.rindex(b")")].decode(errors="replace")
        fields = st[st.rindex(b")") + 2:].split()
        by_parent.setdefault(int(fields[1]), []).append((int(d), comm, fields))
    out, pending = [], [root]
    while pending:
        pid = pending.pop()
        for child in by_parent.get(pid, []):
            out.append(child)
            pending.append(child[0])
    return out
