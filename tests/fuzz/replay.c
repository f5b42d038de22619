/* replay.c - the main the fuzz harnesses are linked with when there is
 * no fuzzing engine (dav1d's tests/libfuzzer/main.c does the same): each
 * argument is a file or a directory of files, and every file is passed to
 * LLVMFuzzerTestOneInput once, in name order. A crash or sanitizer report
 * fails the test; otherwise it prints how many inputs ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_INPUT_MAX (1024 * 1024)
#define REPLAY_FILES_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Run the file at `path`; false if it cannot be read. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(REPLAY_INPUT_MAX);
	size_t n = 0;
	int ok = 0;

	if (f != NULL && buf != NULL) {
		n = fread(buf, 1, REPLAY_INPUT_MAX, f);
		ok = !ferror(f) && (n < REPLAY_INPUT_MAX || fgetc(f) == EOF);
	}
	if (ok) {
		/* a copy of exactly the input's size, so reads past it are caught */
		uint8_t *copy = malloc(n > 0 ? n : 1);

		ok = copy != NULL;
		if (ok) {
			memcpy(copy, buf, n);
			LLVMFuzzerTestOneInput(copy, n);
		}
		free(copy);
	} else {
		fprintf(stderr, "replay: cannot read %s\n", path);
	}
	if (f != NULL)
		fclose(f);
	free(buf);
	return ok;
}

static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file in `dir`; the count, or -1 on error. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char *names[REPLAY_FILES_MAX];
	size_t n = 0;
	long ran = 0;
	struct dirent *e;

	if (d == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL && n < REPLAY_FILES_MAX) {
		if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), replay_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ran >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ran = replay_file(path) ? ran + 1 : -1;
		free(names[i]);
	}
	return ran;
}

int main(int argc, char **argv)
{
	long total = 0;
	struct stat st;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		long n = -1;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else if (stat(argv[i], &st) == 0)
			n = replay_file(argv[i]);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replay: %ld inputs, no crash\n", total);
	return 0;
}
