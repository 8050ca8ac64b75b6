/* audit.bpf.c's syscall table: the architecture's syscall number → enum omega_audit_call (0: not
 * watched), and the syscall arguments as the exit tracepoint's pt_regs still hold them. One load
 * from a read-only array per syscall decides whether the program does anything more. */
#ifndef OMEGA_AUDIT_SYSCALLS_H
#define OMEGA_AUDIT_SYSCALLS_H

#define OMEGA_NR_MAX 512

#if defined(__TARGET_ARCH_x86)
const volatile __u8 call_of_nr[OMEGA_NR_MAX] = {
	[105] = OMEGA_CALL_SETUID, [106] = OMEGA_CALL_SETGID, [113] = OMEGA_CALL_SETREUID,
	[114] = OMEGA_CALL_SETREGID, [117] = OMEGA_CALL_SETRESUID, [119] = OMEGA_CALL_SETRESGID,
	[122] = OMEGA_CALL_SETFSUID, [123] = OMEGA_CALL_SETFSGID, [126] = OMEGA_CALL_CAPSET,
	[101] = OMEGA_CALL_PTRACE, [165] = OMEGA_CALL_MOUNT, [429] = OMEGA_CALL_MOVE_MOUNT,
	[272] = OMEGA_CALL_UNSHARE, [308] = OMEGA_CALL_SETNS, [56] = OMEGA_CALL_CLONE, [435] = OMEGA_CALL_CLONE3,
	[175] = OMEGA_CALL_INIT_MODULE, [313] = OMEGA_CALL_FINIT_MODULE, [321] = OMEGA_CALL_BPF,
	[41] = OMEGA_CALL_SOCKET, [319] = OMEGA_CALL_MEMFD_CREATE,
	[2] = OMEGA_CALL_OPEN, [257] = OMEGA_CALL_OPENAT, [437] = OMEGA_CALL_OPENAT2, [85] = OMEGA_CALL_CREAT,
	[83] = OMEGA_CALL_MKDIR, [258] = OMEGA_CALL_MKDIRAT, [82] = OMEGA_CALL_RENAME, [264] = OMEGA_CALL_RENAMEAT,
	[316] = OMEGA_CALL_RENAMEAT2, [87] = OMEGA_CALL_UNLINK, [263] = OMEGA_CALL_UNLINKAT, [84] = OMEGA_CALL_RMDIR,
	[90] = OMEGA_CALL_CHMOD, [91] = OMEGA_CALL_FCHMOD, [268] = OMEGA_CALL_FCHMODAT, [452] = OMEGA_CALL_FCHMODAT2,
	[92] = OMEGA_CALL_CHOWN, [93] = OMEGA_CALL_FCHOWN, [94] = OMEGA_CALL_LCHOWN, [260] = OMEGA_CALL_FCHOWNAT,
};
/* The exit tracepoint's regs: ax holds the return value by now, the argument registers are intact. */
#define SYSCALL_NR(regs) ((regs)->orig_ax)
#define SYSCALL_ARG0(regs) ((regs)->di)
#define SYSCALL_ARG1(regs) ((regs)->si)
#define SYSCALL_ARG2(regs) ((regs)->dx)
#define SYSCALL_ARG3(regs) ((regs)->r10)
#define SYSCALL_ARG4(regs) ((regs)->r8)
#elif defined(__TARGET_ARCH_arm64)
const volatile __u8 call_of_nr[OMEGA_NR_MAX] = {
	[146] = OMEGA_CALL_SETUID, [144] = OMEGA_CALL_SETGID, [145] = OMEGA_CALL_SETREUID,
	[143] = OMEGA_CALL_SETREGID, [147] = OMEGA_CALL_SETRESUID, [149] = OMEGA_CALL_SETRESGID,
	[151] = OMEGA_CALL_SETFSUID, [152] = OMEGA_CALL_SETFSGID, [91] = OMEGA_CALL_CAPSET,
	[117] = OMEGA_CALL_PTRACE, [40] = OMEGA_CALL_MOUNT, [429] = OMEGA_CALL_MOVE_MOUNT,
	[97] = OMEGA_CALL_UNSHARE, [268] = OMEGA_CALL_SETNS, [220] = OMEGA_CALL_CLONE, [435] = OMEGA_CALL_CLONE3,
	[105] = OMEGA_CALL_INIT_MODULE, [273] = OMEGA_CALL_FINIT_MODULE, [280] = OMEGA_CALL_BPF,
	[198] = OMEGA_CALL_SOCKET, [279] = OMEGA_CALL_MEMFD_CREATE,
	[56] = OMEGA_CALL_OPENAT, [437] = OMEGA_CALL_OPENAT2, [34] = OMEGA_CALL_MKDIRAT, [38] = OMEGA_CALL_RENAMEAT,
	[276] = OMEGA_CALL_RENAMEAT2, [35] = OMEGA_CALL_UNLINKAT, [52] = OMEGA_CALL_FCHMOD,
	[53] = OMEGA_CALL_FCHMODAT, [452] = OMEGA_CALL_FCHMODAT2, [55] = OMEGA_CALL_FCHOWN, [54] = OMEGA_CALL_FCHOWNAT,
};
/* x0 holds the return value at exit; the first argument survives in orig_x0. */
#define SYSCALL_NR(regs) ((regs)->syscallno)
#define SYSCALL_ARG0(regs) ((regs)->orig_x0)
#define SYSCALL_ARG1(regs) ((regs)->regs[1])
#define SYSCALL_ARG2(regs) ((regs)->regs[2])
#define SYSCALL_ARG3(regs) ((regs)->regs[3])
#define SYSCALL_ARG4(regs) ((regs)->regs[4])
#else
#error "audit-syscalls.h: syscall numbers for this architecture are missing"
#endif

#endif
