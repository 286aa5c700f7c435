/* newlib system calls over Arm semihosting (`bkpt 0xab`), for the Cortex-M
 * e2e images run by QEMU with
 *   -semihosting-config enable=on,target=native,arg=<image>,arg=<arg1>...
 *
 * With these, test/e2e/harness.c runs unchanged on bare metal: fopen/fread/
 * fwrite reach host files (SYS_OPEN/SYS_READ/SYS_WRITE), stdout/stderr reach
 * QEMU's stdout/stderr (":tt"), argv comes from SYS_GET_CMDLINE, malloc
 * grows inside [__heap_start, __heap_end) of the linker script, and exit(n)
 * becomes QEMU's exit status n (SYS_EXIT_EXTENDED). Link with
 * `--specs=nosys.specs -nostartfiles`: libnosys supplies the calls not here
 * (_kill, _getpid, ...) as ENOSYS stubs, one per archive member, so these
 * definitions win. Host paths must not contain spaces: QEMU joins the
 * semihosting arguments with spaces and the image splits them again. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_ISTTY = 0x09,
  SYS_SEEK = 0x0A,
  SYS_FLEN = 0x0C,
  SYS_GET_CMDLINE = 0x15,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int semihost(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* newlib file descriptor -> semihosting handle (-1: closed), and the file
 * position semihosting does not report. */
#define MAX_FDS 16
static int handles[MAX_FDS];
static long positions[MAX_FDS];

void etch_semihost_init(void) {
  for (int i = 0; i < MAX_FDS; ++i) {
    handles[i] = -1;
  }
  /* ":tt" opened for reading is stdin, for writing stdout, for appending
   * stderr (the semihosting spec's mode indices 0, 4 and 8). */
  static const int modes[3] = {0, 4, 8};
  for (int fd = 0; fd < 3; ++fd) {
    uint32_t block[3] = {(uint32_t)(uintptr_t) ":tt", (uint32_t)modes[fd], 3};
    handles[fd] = semihost(SYS_OPEN, block);
  }
}

#define MAX_ARGS 64
/* The command line (paths of the case files); boards with little RAM
 * (microbit: 16 KiB) build with a smaller -DETCH_SEMIHOST_CMDLINE. */
#ifndef ETCH_SEMIHOST_CMDLINE
#define ETCH_SEMIHOST_CMDLINE 4096
#endif
static char cmdline[ETCH_SEMIHOST_CMDLINE];
static char *args[MAX_ARGS + 1];

int etch_semihost_args(char ***argv) {
  uint32_t block[2] = {(uint32_t)(uintptr_t)cmdline, sizeof(cmdline) - 1};
  int argc = 0;
  if (semihost(SYS_GET_CMDLINE, block) == 0) {
    cmdline[block[1]] = '\0';
    for (char *p = cmdline; *p && argc < MAX_ARGS;) {
      while (*p == ' ') {
        *p++ = '\0';
      }
      if (*p) {
        args[argc++] = p;
        while (*p && *p != ' ') {
          ++p;
        }
      }
    }
  }
  if (argc == 0) {
    args[argc++] = "image";
  }
  args[argc] = 0;
  *argv = args;
  return argc;
}

static int handle_of(int fd) {
  return fd >= 0 && fd < MAX_FDS ? handles[fd] : -1;
}

int _open(const char *path, int flags, ...) {
  int fd = 3;
  while (fd < MAX_FDS && handles[fd] != -1) {
    ++fd;
  }
  if (fd == MAX_FDS) {
    errno = EMFILE;
    return -1;
  }
  /* ISO C fopen modes, binary: rb=1, r+b=3, wb=5, w+b=7, ab=9, a+b=11. */
  int acc = flags & O_ACCMODE, mode;
  if (flags & O_APPEND) {
    mode = acc == O_RDWR ? 11 : 9;
  } else if (flags & (O_CREAT | O_TRUNC)) {
    mode = acc == O_RDWR ? 7 : 5;
  } else {
    mode = acc == O_RDONLY ? 1 : 3;
  }
  uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode,
                       (uint32_t)strlen(path)};
  int h = semihost(SYS_OPEN, block);
  if (h == -1) {
    errno = ENOENT;
    return -1;
  }
  handles[fd] = h;
  positions[fd] = 0;
  return fd;
}

int _close(int fd) {
  int h = handle_of(fd);
  if (h == -1) {
    errno = EBADF;
    return -1;
  }
  handles[fd] = -1;
  uint32_t block[1] = {(uint32_t)h};
  return fd < 3 ? 0 : semihost(SYS_CLOSE, block);
}

int _write(int fd, const void *buf, size_t n) {
  int h = handle_of(fd);
  if (h == -1) {
    errno = EBADF;
    return -1;
  }
  uint32_t block[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, (uint32_t)n};
  int done = (int)n - semihost(SYS_WRITE, block); /* returns bytes NOT written */
  positions[fd] += done;
  return done;
}

int _read(int fd, void *buf, size_t n) {
  int h = handle_of(fd);
  if (h == -1) {
    errno = EBADF;
    return -1;
  }
  uint32_t block[3] = {(uint32_t)h, (uint32_t)(uintptr_t)buf, (uint32_t)n};
  int done = (int)n - semihost(SYS_READ, block); /* returns bytes NOT read */
  positions[fd] += done;
  return done;
}

off_t _lseek(int fd, off_t offset, int whence) {
  int h = handle_of(fd);
  if (h == -1) {
    errno = EBADF;
    return -1;
  }
  long target = offset;
  if (whence == SEEK_CUR) {
    target += positions[fd];
  } else if (whence == SEEK_END) {
    uint32_t block[1] = {(uint32_t)h};
    target += semihost(SYS_FLEN, block);
  }
  uint32_t block[2] = {(uint32_t)h, (uint32_t)target};
  if (target < 0 || semihost(SYS_SEEK, block) != 0) {
    errno = EINVAL;
    return -1;
  }
  positions[fd] = target;
  return target;
}

int _isatty(int fd) {
  int h = handle_of(fd);
  uint32_t block[1] = {(uint32_t)h};
  return h != -1 && semihost(SYS_ISTTY, block) == 1;
}

int _fstat(int fd, struct stat *st) {
  memset(st, 0, sizeof(*st));
  st->st_mode = _isatty(fd) ? S_IFCHR : S_IFREG;
  return 0;
}

void *_sbrk(ptrdiff_t incr) {
  extern char __heap_start[], __heap_end[];
  static char *brk = __heap_start;
  if (incr > __heap_end - brk) {
    errno = ENOMEM;
    return (void *)-1;
  }
  char *old = brk;
  brk += incr;
  return old;
}

/* newlib 3.3's aligned_alloc (which harness.c uses for the arena) calls
 * posix_memalign, which that newlib does not define. */
void *memalign(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size) {
  if (align < sizeof(void *) || (align & (align - 1)) != 0) {
    return EINVAL;
  }
  void *p = memalign(align, size);
  if (!p) {
    return ENOMEM;
  }
  *out = p;
  return 0;
}

__attribute__((noreturn)) void _exit(int status) {
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  semihost(SYS_EXIT_EXTENDED, block);
  /* A host without the extended call: SYS_EXIT reports only success. */
  semihost(SYS_EXIT, (void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
  for (;;) {
  }
}
