; pm_crc.asm - crc.asm as 32-bit protected-mode code (common.inc, PM32).
%define PM32
%include "crc.asm"
