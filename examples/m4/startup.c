/*
 * Start-up code for the Cortex-M4F of QEMU's mps2-an386: the vector table,
 * the reset handler (FPU on, .data copied, .bss cleared, semihosting opened)
 * and the SysTick handler that examples/m4 counts time with.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "m4.h"

extern uint32_t __StackTop[], __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern void initialise_monitor_handles(void); /* newlib librdimon: semihosting stdio */
extern int main(void);

volatile uint32_t m4_systick_wraps;

void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

void Reset_Handler(void)
{
    /* CPACR: full access to coprocessors 10 and 11, the FPU; without it the
     * first floating-point instruction faults (Arm DUI0553, 4.6.1) */
    M4_REG(0xE000ED88u) |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
    memcpy(__data_start__, __data_load__,
           (size_t)((char *)__data_end__ - (char *)__data_start__));
    memset(__bss_start__, 0, (size_t)((char *)__bss_end__ - (char *)__bss_start__));
    initialise_monitor_handles();
    m4_exit(main());
}

void Default_Handler(void)
{
    /* a fault: say so through semihosting and stop QEMU with a failure */
    m4_fail("unexpected exception");
}

void SysTick_Handler(void)
{
    m4_systick_wraps++;
}

/* Cortex-M vector table: initial stack pointer, then the 15 system exceptions
 * (Arm DUI0553, 2.3.4); the board's interrupts are not used. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__StackTop,
    Reset_Handler,
    Default_Handler, /* NMI */
    Default_Handler, /* HardFault */
    Default_Handler, /* MemManage */
    Default_Handler, /* BusFault */
    Default_Handler, /* UsageFault */
    0, 0, 0, 0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    SysTick_Handler,
};
