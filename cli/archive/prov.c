/*
 * prov.c - the host's side of a run's provenance (archive_int.h: idr_prov_host): kernel,
 * CPU model and count, the CPU vulnerability mitigations in force (they change what a
 * system call costs), and whether io_uring is allowed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "archive/archive_int.h"

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

static void put_str(struct json_object *o, const char *key, const char *val)
{
	if (val && *val)
		json_object_object_add(o, key, json_object_new_string(val));
}

/* The first line of path, trimmed, into buf; "" when unreadable. */
static char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* /proc/cpuinfo's model: "model name" on x86, "CPU part"/"Hardware"-style keys elsewhere. */
static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "cpu model", "Model", "cpu" };
	char line[512], *colon;
	unsigned int i;
	FILE *f = fopen("/proc/cpuinfo", "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (!buf[0] && fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i]);

			/* the key, then only blanks up to the colon ("cpu family" is not "cpu") */
			if (strncmp(line, keys[i], n) ||
			    strspn(line + n, " \t") != (size_t)(colon - line) - n)
				continue;
			colon += 1 + strspn(colon + 1, " \t");
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
			break;
		}
	}
	fclose(f);
}

static struct json_object *mitigations(void)
{
	struct json_object *o = json_object_new_object();
	char path[512], buf[256];
	struct dirent *e;
	DIR *d = opendir(VULN_DIR);

	if (!d)
		return o;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VULN_DIR "/%s", e->d_name);
		put_str(o, e->d_name, first_line(path, buf, sizeof(buf)));
	}
	closedir(d);
	return o;
}

struct json_object *idr_prov_host(void)
{
	struct json_object *h = json_object_new_object();
	struct utsname u;
	char buf[512];

	if (!h)
		return NULL;
	if (!uname(&u)) {
		put_str(h, "hostname", u.nodename);
		put_str(h, "kernel", u.release);
		put_str(h, "kernel_version", u.version);
		put_str(h, "machine", u.machine);
	}
	cpu_model(buf, sizeof(buf));
	put_str(h, "cpu_model", buf);
	json_object_object_add(h, "cpus_online",
			       json_object_new_int64(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(h, "cpus_configured",
			       json_object_new_int64(sysconf(_SC_NPROCESSORS_CONF)));
	put_str(h, "io_uring_disabled",
		first_line("/proc/sys/kernel/io_uring_disabled", buf, sizeof(buf)));
	json_object_object_add(h, "mitigations", mitigations());
	return h;
}
