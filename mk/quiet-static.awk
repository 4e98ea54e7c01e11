# Filter for the static link's stderr (see conf-static): drops glibc's warning
# that a static program calling getpwnam/getaddrinfo/dlopen needs the same
# glibc's shared NSS modules at run time, together with the "in function"
# line the linker prints before it.  Everything else passes unchanged.
/: in function `/ { if (held != "") print held; held = $0; next }
/requires at runtime the shared libraries from the glibc version/ { held = ""; next }
{ if (held != "") print held; held = ""; print }
END { if (held != "") print held }
