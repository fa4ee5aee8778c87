/*
 * errors.c - the one map from host errno values to DOS error codes
 * (errors.h).
 */
#include <errno.h>

#include "dos/errors.h"

uint16_t dos_errno(int err)
{
	switch (err) {
	case ENOENT: return DOSERR_FILE_NOT_FOUND;
	case ENOTDIR:
	case ENAMETOOLONG:
	case ELOOP: return DOSERR_PATH_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EISDIR:
	case EROFS:
	case ENOTEMPTY:
	case EBUSY: return DOSERR_ACCESS_DENIED;
	case EEXIST: return DOSERR_FILE_EXISTS;
	case EMFILE:
	case ENFILE: return DOSERR_TOO_MANY_OPEN;
	case ENOSPC:
	case EFBIG:
	case EDQUOT: return DOSERR_DISK_FULL;
	case EXDEV: return DOSERR_NOT_SAME_DEVICE;
	case EBADF: return DOSERR_INVALID_HANDLE;
	case ENOMEM: return DOSERR_NO_MEMORY;
	default: return DOSERR_GENERAL;
	}
}
