/* Preloaded into nginx by t/worker_exit.t: watches a worker's exit, where
   nginx's thread-pool threads signal that they are done and then call
   pthread_exit (running thread-specific destructors) while the main thread
   goes on to unload the modules (dlclose) and exit. Widens that window (each
   pool thread waits 20 ms before it exits, the main thread 100 ms after each
   dlclose of the civic module) and reports, on stderr (the error log), whether
   dlclose left the civic module mapped: if it did not, the exiting threads
   could run code that is no longer there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(long ms) {
  struct timespec ts = {0, ms * 1000 * 1000};
  nanosleep(&ts, 0);
}

static int civic_mapped;
static int find_civic(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size;
  (void)data;
  if (strstr(info->dlpi_name, "civic_module")) civic_mapped = 1;
  return 0;
}

static int is_civic_mapped(void) {
  civic_mapped = 0;
  dl_iterate_phdr(find_civic, 0);
  return civic_mapped;
}

static void say(const char* text) { (void)!write(2, text, strlen(text)); }

void pthread_exit(void* value) {
  void (*real)(void*) = (void (*)(void*))dlsym(RTLD_NEXT, "pthread_exit");
  pause_ms(20);
  real(value);
  __builtin_unreachable();
}

int dlclose(void* handle) {
  int (*real)(void*) = (int (*)(void*))dlsym(RTLD_NEXT, "dlclose");
  struct link_map* map = 0;
  int civic = dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && strstr(map->l_name, "civic_module");
  int rc = real(handle);
  if (civic) {
    say(is_civic_mapped() ? "exit-watch: dlclose left the civic module mapped\n"
                          : "exit-watch: dlclose unmapped the civic module\n");
    pause_ms(100);
  }
  return rc;
}
