// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kcov: basic-block coverage of one module from KCOV. See kcov.h.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "gnl.h"
#include "kcov.h"

#define KCOV_INIT_TRACE	_IOR('c', 1, unsigned long)
#define KCOV_ENABLE	_IO('c', 100)
#define KCOV_DISABLE	_IO('c', 101)
#define KCOV_TRACE_PC	0
#define KCOV_ENTRIES	(1UL << 20)

static uint64_t last_sig;
static size_t default_entries = KCOV_ENTRIES;

void kcov_set_entries(size_t entries)
{
	default_entries = entries;
}
static int last_blocks;

/* ---- the module file ------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_func(const void *a, const void *b)
{
	const struct ko_func *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = malloc(st.st_size);
	if (p && read(fd, p, st.st_size) != st.st_size) {
		free(p);
		p = NULL;
	}
	close(fd);
	*len = st.st_size;
	return p;
}

int ko_map_load(struct ko_map *m, const char *ko_path, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *shstr;
	int text = -1, symtab = -1, i, cap = 0;
	size_t len;
	uint8_t *img;

	memset(m, 0, sizeof(*m));
	img = read_file(ko_path, &len);
	if (!img) {
		snprintf(err, errlen, "cannot read %s: %s", ko_path, strerror(errno));
		return -1;
	}
	eh = (const Elf64_Ehdr *)img;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) > len) {
		snprintf(err, errlen, "%s is not a 64-bit ELF object", ko_path);
		free(img);
		return -1;
	}
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	shstr = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		if (!strcmp(shstr + sh[i].sh_name, ".text"))
			text = i;
		else if (sh[i].sh_type == SHT_SYMTAB)
			symtab = i;
	}
	if (text < 0 || symtab < 0) {
		snprintf(err, errlen, "%s has no .text or no symbol table", ko_path);
		free(img);
		return -1;
	}
	m->text_size = sh[text].sh_size;

	const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[symtab].sh_offset);
	int nsym = sh[symtab].sh_size / sizeof(*sym);
	const char *strtab = (const char *)img + sh[sh[symtab].sh_link].sh_offset;
	int cov_sym = -1;

	for (i = 0; i < nsym; i++)
		if (sym[i].st_name &&
		    !strcmp(strtab + sym[i].st_name, "__sanitizer_cov_trace_pc"))
			cov_sym = i;
	/* The relocations of .text: calls to __sanitizer_cov_trace_pc. */
	for (i = 0; i < eh->e_shnum && cov_sym >= 0; i++) {
		const Elf64_Rela *r;
		int j, n;

		if (sh[i].sh_type != SHT_RELA || (int)sh[i].sh_info != text)
			continue;
		r = (const Elf64_Rela *)(img + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof(*r);
		for (j = 0; j < n; j++) {
			if ((int)ELF64_R_SYM(r[j].r_info) != cov_sym)
				continue;
			if (m->nblocks == cap) {
				cap = cap ? 2 * cap : 1024;
				m->block = realloc(m->block, cap * sizeof(*m->block));
				if (!m->block) {
					free(img);
					return -1;
				}
			}
			m->block[m->nblocks++] = r[j].r_offset + 4;
		}
	}
	if (!m->nblocks) {
		snprintf(err, errlen, "%s has no __sanitizer_cov_trace_pc calls: not built with KCOV",
			 ko_path);
		free(img);
		free(m->block);
		m->block = NULL;
		return -1;
	}
	qsort(m->block, m->nblocks, sizeof(*m->block), cmp_u64);

	/* Functions of .text, to name where blocks are. */
	m->func = calloc(nsym, sizeof(*m->func));
	for (i = 0; m->func && i < nsym; i++) {
		struct ko_func *f;

		if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC ||
		    sym[i].st_shndx != text || !sym[i].st_name)
			continue;
		f = &m->func[m->nfuncs++];
		snprintf(f->name, sizeof(f->name), "%s", strtab + sym[i].st_name);
		f->start = sym[i].st_value;
		f->end = sym[i].st_value + sym[i].st_size;
	}
	if (m->func)
		qsort(m->func, m->nfuncs, sizeof(*m->func), cmp_func);
	for (i = 0; i < m->nfuncs; i++) {
		struct ko_func *f = &m->func[i];
		int b;

		f->first_block = -1;
		for (b = 0; b < m->nblocks; b++) {
			if (m->block[b] > f->start && m->block[b] <= f->end) {
				if (f->first_block < 0)
					f->first_block = b;
				f->nblocks++;
			}
		}
	}
	free(img);
	return 0;
}

void ko_map_free(struct ko_map *m)
{
	free(m->block);
	free(m->func);
	memset(m, 0, sizeof(*m));
}

int ko_map_block_index(const struct ko_map *m, uint64_t off)
{
	int lo = 0, hi = m->nblocks - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (m->block[mid] == off)
			return mid;
		if (m->block[mid] < off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* ---- KCOV ----------------------------------------------------------------- */

static int read_hex_file(const char *path, uint64_t *v)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*v = strtoull(buf, NULL, 16);
	return 0;
}

static int kcov_fd_open(struct kcov *k)
{
	if (!k->entries)
		k->entries = default_entries;
	k->fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return -1;
	if (ioctl(k->fd, KCOV_INIT_TRACE, k->entries))
		goto fail;
	k->area = mmap(NULL, k->entries * sizeof(unsigned long),
		       PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->area == MAP_FAILED)
		goto fail;
	if (ioctl(k->fd, KCOV_ENABLE, KCOV_TRACE_PC))
		goto unmap;
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
	return 0;

unmap:
	munmap(k->area, k->entries * sizeof(unsigned long));
fail:
	close(k->fd);
	k->fd = -1;
	k->area = NULL;
	return -1;
}

int kcov_open(struct kcov *k, const char *module, const char *ko_path,
	      bool shared, char *err, size_t errlen)
{
	char path[256];

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->child_fd = -1;
	if (ko_map_load(&k->map, ko_path, err, errlen))
		return -1;
	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", module);
	if (read_hex_file(path, &k->text_base) || !k->text_base) {
		snprintf(err, errlen, "cannot read %s (root, module loaded?)", path);
		ko_map_free(&k->map);
		return -1;
	}
	if (shared) {
		k->hit = mmap(NULL, k->map.nblocks, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (k->hit == MAP_FAILED)
			k->hit = NULL;
		k->hit_shared = k->hit != NULL;
	} else {
		k->hit = calloc(k->map.nblocks, 1);
	}
	if (!k->hit || kcov_fd_open(k)) {
		snprintf(err, errlen, "cannot open /sys/kernel/debug/kcov: %s",
			 strerror(errno));
		ko_map_free(&k->map);
		return -1;
	}
	return 0;
}

int kcov_child_prepare(struct kcov *k)
{
	k->child_fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
	if (k->child_fd < 0)
		return -1;
	if (ioctl(k->child_fd, KCOV_INIT_TRACE, k->entries))
		goto fail;
	k->child_area = mmap(NULL, k->entries * sizeof(unsigned long),
			     PROT_READ | PROT_WRITE, MAP_SHARED, k->child_fd, 0);
	if (k->child_area == MAP_FAILED)
		goto fail;
	__atomic_store_n(&k->child_area[0], 0, __ATOMIC_RELAXED);
	return 0;
fail:
	close(k->child_fd);
	k->child_fd = -1;
	k->child_area = NULL;
	return -1;
}

int kcov_child_enable(struct kcov *k)
{
	if (!k->child_area)
		return -1;
	/* The parent's trace stays the parent's: this task traces here. */
	k->area = NULL;
	__atomic_store_n(&k->child_area[0], 0, __ATOMIC_RELAXED);
	return ioctl(k->child_fd, KCOV_ENABLE, KCOV_TRACE_PC);
}

int kcov_child_collect(struct kcov *k)
{
	unsigned long *mine = k->area;
	int fresh;

	if (!k->child_area)
		return 0;
	k->area = k->child_area;
	fresh = kcov_collect(k);
	k->area = mine;
	return fresh;
}

void kcov_json_bitmap(const struct kcov *k, FILE *f)
{
	int i, v = 0;

	fputc('"', f);
	for (i = 0; i < k->map.nblocks; i++) {
		v |= (k->hit[i] != 0) << (3 - i % 4);
		if (i % 4 == 3 || i == k->map.nblocks - 1) {
			fputc("0123456789abcdef"[v], f);
			v = 0;
		}
	}
	fputc('"', f);
}

void kcov_start(struct kcov *k)
{
	if (k && k->area)
		__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

int kcov_collect(struct kcov *k)
{
	return kcov_collect_into(k, NULL);
}

int kcov_rebase(struct kcov *k, const char *module)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", module);
	return read_hex_file(path, &k->text_base);
}

unsigned long kcov_raw(struct kcov *k, const unsigned long **pcs)
{
	unsigned long n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);

	if (n >= k->entries - 1) {
		k->overflows++;
		n = k->entries - 1;
	}
	*pcs = &k->area[1];
	return n;
}

int kcov_open_raw(struct kcov *k, size_t entries)
{
	memset(k, 0, sizeof(*k));
	k->entries = entries;
	return kcov_fd_open(k);
}

int kcov_collect_into(struct kcov *k, uint8_t *extra)
{
	unsigned long n, i;
	uint64_t sig = 1469598103934665603ULL;
	int fresh = 0, blocks = 0;

	if (!k || !k->area)
		return 0;
	n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);
	if (n >= k->entries - 1) {
		k->overflows++;
		n = k->entries - 1;
	}
	for (i = 0; i < n; i++) {
		uint64_t pc = k->area[i + 1], off;
		int b;

		if (pc < k->text_base || pc >= k->text_base + k->map.text_size)
			continue;
		off = pc - k->text_base;
		b = ko_map_block_index(&k->map, off);
		if (b < 0)
			continue;
		blocks++;
		sig = (sig ^ (uint64_t)b) * 1099511628211ULL;
		if (extra)
			extra[b] = 1;
		if (!k->hit[b]) {
			k->hit[b] = 1;
			fresh++;
		}
	}
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
	last_sig = sig;
	last_blocks = blocks;
	return fresh;
}

uint64_t kcov_last_signature(void)
{
	return last_sig;
}

int kcov_last_blocks(void)
{
	return last_blocks;
}

void kcov_close(struct kcov *k)
{
	if (k->fd >= 0) {
		ioctl(k->fd, KCOV_DISABLE, 0);
		close(k->fd);
	}
	if (k->area)
		munmap(k->area, k->entries * sizeof(unsigned long));
	k->fd = -1;
	k->area = NULL;
}

int kcov_covered(const struct kcov *k)
{
	int i, n = 0;

	for (i = 0; k->hit && i < k->map.nblocks; i++)
		n += k->hit[i] != 0;
	return n;
}

void kcov_json(const struct kcov *k, FILE *f, const char *ind)
{
	int i, b, first = 1;

	fprintf(f, "%s\"kcov\": {\n", ind);
	fprintf(f, "%s  \"method\": \"KCOV_TRACE_PC of the calling task, PCs inside /sys/module/kalloc/sections/.text; blocks = __sanitizer_cov_trace_pc call sites in the module's .rela.text\",\n", ind);
	fprintf(f, "%s  \"blocks_total\": %d,\n", ind, k->map.nblocks);
	fprintf(f, "%s  \"blocks_covered\": %d,\n", ind, kcov_covered(k));
	fprintf(f, "%s  \"trace_overflows\": %llu,\n", ind,
		(unsigned long long)k->overflows);
	fprintf(f, "%s  \"bitmap\": ", ind);
	kcov_json_bitmap(k, f);
	fprintf(f, ",\n");
	fprintf(f, "%s  \"functions\": [", ind);
	for (i = 0; i < k->map.nfuncs; i++) {
		const struct ko_func *fn = &k->map.func[i];
		int cov = 0;

		if (!fn->nblocks)
			continue;
		for (b = fn->first_block; b < fn->first_block + fn->nblocks; b++)
			cov += k->hit[b] != 0;
		fprintf(f, "%s\n%s    {\"name\": ", first ? "" : ",", ind);
		gnl_json_str(f, fn->name);
		fprintf(f, ", \"blocks\": %d, \"covered\": %d}", fn->nblocks, cov);
		first = 0;
	}
	fprintf(f, "\n%s  ]\n%s}", ind, ind);
}
