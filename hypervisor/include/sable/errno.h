/* SPDX-License-Identifier: MIT */
/*
 * Xen-compatible errno values (the same numbers as Linux). Functions return
 * them negated: 0 on success, -EXXX on failure.
 */
#pragma once

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define EISDIR 21
#define EINVAL 22
#define ENOSPC 28
#define EROFS 30
#define ERANGE 34
#define ENOSYS 38
#define ENOTEMPTY 39
#define ENODATA 61
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define EISCONN 106
#define ENOTCONN 107
#define ETIMEDOUT 110
