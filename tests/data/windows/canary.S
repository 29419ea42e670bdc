# canary_call(fn, mode): calls fn(mode) with every Win64 non-volatile register (rbx, rbp, rsi, rdi, r12-r15,
# xmm6-xmm15) set to a known pattern, then records in canary_mismatch which of them no longer hold it, both after
# a normal return and when a C++ exception thrown through fn passes: a cleanup landing pad (as for a destructor)
# checks the registers, sets canary_landed and resumes the unwind with _Unwind_Resume, so the exception goes on
# to the caller's catch (main in host.cpp). Only correct unwind info in the frames between restores the patterns
# before the landing pad runs.
	.intel_syntax noprefix
	.data
	.p2align 4
	.globl canary_xmm
canary_xmm:
	.quad 0x0606060606060606, 0x1616161616161616
	.quad 0x0707070707070707, 0x1717171717171717
	.quad 0x0808080808080808, 0x1818181818181818
	.quad 0x0909090909090909, 0x1919191919191919
	.quad 0x0a0a0a0a0a0a0a0a, 0x1a1a1a1a1a1a1a1a
	.quad 0x0b0b0b0b0b0b0b0b, 0x1b1b1b1b1b1b1b1b
	.quad 0x0c0c0c0c0c0c0c0c, 0x1c1c1c1c1c1c1c1c
	.quad 0x0d0d0d0d0d0d0d0d, 0x1d1d1d1d1d1d1d1d
	.quad 0x0e0e0e0e0e0e0e0e, 0x1e1e1e1e1e1e1e1e
	.quad 0x0f0f0f0f0f0f0f0f, 0x1f1f1f1f1f1f1f1f
	.globl canary_gpr
canary_gpr:
	.quad 0x3b3b3b3b0000b3b3, 0x3b3b3b3b0000b5b5, 0x3b3b3b3b0000b6b6, 0x3b3b3b3b0000b7b7
	.quad 0x3b3b3b3b0000bcbc, 0x3b3b3b3b0000bdbd, 0x3b3b3b3b0000bebe, 0x3b3b3b3b0000bfbf
	.globl canary_mismatch, canary_landed, canary_result
canary_mismatch: .quad 0
canary_result: .quad 0
canary_landed: .long 0

	.text
	.globl canary_call, canary_call_end
	.def canary_call; .scl 2; .type 32; .endef
	.seh_proc canary_call
canary_call:
	push rbp
	.seh_pushreg rbp
	push rbx
	.seh_pushreg rbx
	push rsi
	.seh_pushreg rsi
	push rdi
	.seh_pushreg rdi
	push r12
	.seh_pushreg r12
	push r13
	.seh_pushreg r13
	push r14
	.seh_pushreg r14
	push r15
	.seh_pushreg r15
	sub rsp, 200
	.seh_stackalloc 200
	movaps [rsp+32], xmm6
	.seh_savexmm xmm6, 32
	movaps [rsp+48], xmm7
	.seh_savexmm xmm7, 48
	movaps [rsp+64], xmm8
	.seh_savexmm xmm8, 64
	movaps [rsp+80], xmm9
	.seh_savexmm xmm9, 80
	movaps [rsp+96], xmm10
	.seh_savexmm xmm10, 96
	movaps [rsp+112], xmm11
	.seh_savexmm xmm11, 112
	movaps [rsp+128], xmm12
	.seh_savexmm xmm12, 128
	movaps [rsp+144], xmm13
	.seh_savexmm xmm13, 144
	movaps [rsp+160], xmm14
	.seh_savexmm xmm14, 160
	movaps [rsp+176], xmm15
	.seh_savexmm xmm15, 176
	.seh_endprologue
	mov dword ptr [rip+canary_landed], 0
	mov rax, rcx
	mov rcx, rdx
	lea r11, [rip+canary_gpr]
	mov rbx, [r11]
	mov rbp, [r11+8]
	mov rsi, [r11+16]
	mov rdi, [r11+24]
	mov r12, [r11+32]
	mov r13, [r11+40]
	mov r14, [r11+48]
	mov r15, [r11+56]
	lea r11, [rip+canary_xmm]
	movdqa xmm6, [r11]
	movdqa xmm7, [r11+16]
	movdqa xmm8, [r11+32]
	movdqa xmm9, [r11+48]
	movdqa xmm10, [r11+64]
	movdqa xmm11, [r11+80]
	movdqa xmm12, [r11+96]
	movdqa xmm13, [r11+112]
	movdqa xmm14, [r11+128]
	movdqa xmm15, [r11+144]
.Lcall_begin:
	call rax
.Lcall_end:
	mov [rip+canary_result], rax
.Lcheck:
	xor r10d, r10d
	lea r11, [rip+canary_gpr]
	.irp reg, rbx, rbp, rsi, rdi, r12, r13, r14, r15
	cmp \reg, [r11]
	setne al
	movzx eax, al
	or r10, rax
	ror r10, 1
	add r11, 8
	.endr
	lea r11, [rip+canary_xmm]
	.irp reg, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15
	movdqa xmm0, [r11]
	pcmpeqb xmm0, \reg
	pmovmskb eax, xmm0
	cmp eax, 0xffff
	setne al
	movzx eax, al
	or r10, rax
	ror r10, 1
	add r11, 16
	.endr
	rol r10, 18
	mov [rip+canary_mismatch], r10
	cmp dword ptr [rip+canary_landed], 0
	je .Lreturn
	mov rcx, [rip+canary_result]
.Lresume_begin:
	call _Unwind_Resume
.Lresume_end:
	int3
.Lreturn:
	mov rax, [rip+canary_result]
	movaps xmm6, [rsp+32]
	movaps xmm7, [rsp+48]
	movaps xmm8, [rsp+64]
	movaps xmm9, [rsp+80]
	movaps xmm10, [rsp+96]
	movaps xmm11, [rsp+112]
	movaps xmm12, [rsp+128]
	movaps xmm13, [rsp+144]
	movaps xmm14, [rsp+160]
	movaps xmm15, [rsp+176]
	add rsp, 200
	pop r15
	pop r14
	pop r13
	pop r12
	pop rdi
	pop rsi
	pop rbx
	pop rbp
	ret
.Llanded:
	mov [rip+canary_result], rax
	mov dword ptr [rip+canary_landed], 1
	jmp .Lcheck
canary_call_end:
	.def __gxx_personality_seh0; .scl 2; .type 32; .endef
	.seh_handler __gxx_personality_seh0, @unwind, @except
	.seh_handlerdata
	# GCC LSDA: landing pads from the function start, no type table, uleb128 call sites: the call of fn lands
	# on the cleanup pad (action 0), the call of _Unwind_Resume has no pad.
	.byte 0xff
	.byte 0xff
	.byte 0x1
	.uleb128 .Lcall_sites_end - .Lcall_sites
.Lcall_sites:
	.uleb128 .Lcall_begin - canary_call
	.uleb128 .Lcall_end - .Lcall_begin
	.uleb128 .Llanded - canary_call
	.uleb128 0
	.uleb128 .Lresume_begin - canary_call
	.uleb128 .Lresume_end - .Lresume_begin
	.uleb128 0
	.uleb128 0
.Lcall_sites_end:
	.text
	.seh_endproc
