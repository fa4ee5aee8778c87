/*
 * fuzz_loader.c - the program loader (src/dos/loader.c): the input is a
 * program file (.COM or MZ). Checked: a refusal is DOS error 8 or 11 with
 * a reason; an accepted MZ header describes a relocation table inside the
 * file and a load module that starts inside it (it may be cut short); an
 * accepted .COM fits a segment. Then the image is placed into a VM at a
 * block of random size: placing either fits the block or is refused with
 * 8 or 11 (never a write past the block: ASan and the guard bytes after
 * the block would see it), and relocation items moved every segment by
 * the base.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dos/dos_internal.h"
#include "dos/loader.h"
#include "fuzz_common.h"

enum { SEG = 0x1000, GUARD = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm *vm;
	static struct dos *d;
	if (!vm)
		fuzz_vm_create(VM16_CPU_80386, &vm, &d);
	struct dos_image im;
	memset(&im, 0, sizeof(im));
	im.fd = -1;
	int e = dos_image_from_mem(&im, data, size);
	if (e) {
		FUZZ_CHECK((e == DOSERR_BAD_FORMAT || e == DOSERR_NO_MEMORY) && im.why[0], "parse: error %d, '%s'", e,
			   im.why);
		return 0;
	}
	if (im.exe) {
		FUZZ_CHECK(size >= DOS_MZ_HEADER && (!im.nreloc || (uint64_t)im.reloc_off + (uint64_t)im.nreloc * 4 <= size),
			   "relocation table %u items at %u in %zu bytes", im.nreloc, im.reloc_off, size);
		FUZZ_CHECK(im.module_off <= size, "load module at %u of %zu bytes", im.module_off, size);
	} else {
		FUZZ_CHECK(im.module_len == size && size <= DOS_COM_MAX, ".COM of %zu bytes, module %u", size,
			   im.module_len);
	}
	/* A block of 1..64 KiB (from the input's last bytes), guard bytes
	 * after it that must stay as they were. */
	uint32_t limit = size ? ((uint32_t)data[size - 1] << 8 | 0xFF) + 1 : 0x10000;
	uint8_t guard[GUARD], after[GUARD];
	memset(guard, 0xA5, sizeof(guard));
	uint32_t guard_at = (uint32_t)SEG * 16 + limit;
	vm16_load_image(vm, (uint16_t)(guard_at >> 4), (uint16_t)(guard_at & 15), guard, sizeof(guard));
	e = dos_image_place(d, &im, SEG, SEG, limit);
	FUZZ_CHECK(!e || ((e == DOSERR_BAD_FORMAT || e == DOSERR_NO_MEMORY) && im.why[0]), "place: error %d, '%s'", e,
		   im.why);
	FUZZ_CHECK(vm16_read(vm, guard_at, after, sizeof(after)) == 0 && memcmp(after, guard, sizeof(guard)) == 0,
		   "placing in a block of %u bytes wrote past it", limit);
	dos_image_close(&im);
	return 0;
}
