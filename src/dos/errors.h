/*
 * errors.h - DOS error codes (RBIL table 01680), the one set the DOS
 * layer uses, and the one map from host errno values to them (errors.c).
 * Results are positive codes; functions that return a count or an index
 * give -(code) on failure (int21.c states the convention).
 */
#ifndef MVDM_DOS_ERRORS_H
#define MVDM_DOS_ERRORS_H

#include <stdint.h>

enum {
	DOSERR_INVALID_FUNCTION = 1,
	DOSERR_FILE_NOT_FOUND = 2,
	DOSERR_PATH_NOT_FOUND = 3,
	DOSERR_TOO_MANY_OPEN = 4,
	DOSERR_ACCESS_DENIED = 5,
	DOSERR_INVALID_HANDLE = 6,
	DOSERR_MCB_DESTROYED = 7,
	DOSERR_NO_MEMORY = 8,
	DOSERR_INVALID_BLOCK = 9,
	DOSERR_BAD_ENV = 10,
	DOSERR_BAD_FORMAT = 11,
	DOSERR_INVALID_ACCESS = 12,
	DOSERR_INVALID_DATA = 13,
	DOSERR_INVALID_DRIVE = 15,
	DOSERR_CURRENT_DIR = 16,
	DOSERR_NOT_SAME_DEVICE = 17,
	DOSERR_NO_MORE_FILES = 18,
	DOSERR_WRITE_PROTECT = 19,
	DOSERR_SEEK = 25,
	DOSERR_PRINTER_OFF = 28,  /* printer out of paper / not ready */
	DOSERR_WRITE_FAULT = 29,
	DOSERR_GENERAL = 31,
	DOSERR_SHARING = 32,
	DOSERR_DISK_FULL = 0x27,  /* DOS 4+ */
	DOSERR_NOT_SUPPORTED = 50,
	DOSERR_FILE_EXISTS = 80,
	DOSERR_CANNOT_MAKE = 82,
};

/* A host errno as a DOS error: the one place that maps them. */
uint16_t dos_errno(int err);

#endif
