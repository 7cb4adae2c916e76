/*
 * What the bare-metal example shares between its files: register access,
 * semihosting exit and the SysTick clock.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef M4_H
#define M4_H

#include <stdint.h>

#define M4_REG(addr) (*(volatile uint32_t *)(addr))

/* SysTick (Arm DUI0553, 4.4): control/status, reload, current value */
#define M4_SYST_CSR 0xE000E010u
#define M4_SYST_RVR 0xE000E014u
#define M4_SYST_CVR 0xE000E018u

/* Wraps of the 24-bit SysTick counter, counted by SysTick_Handler. */
extern volatile uint32_t m4_systick_wraps;

/* Stop QEMU through semihosting: exit status 0 if status is 0, else 1. */
void m4_exit(int status) __attribute__((noreturn));

/* Print a message and stop QEMU with a failure status. */
void m4_fail(const char *what) __attribute__((noreturn));

#endif
