# Hand-written test functions for the foundation acceptance tests: a call chain
#   fp_func -> pushes_func -> alloc4k -> alloc64k -> early_ret -> deepest -> leaf, jd_callback (external, C)
# assembled without CFI; the tests describe every function with an UnwindProgram built from the @-annotations
# (each op takes effect after its instruction, except @epilogue_begin which marks the instruction's start).
# This file is also the "listing" the line table names: each instruction's line is its line here.

	.section .text.fp_func,"ax",@progbits
fp_func:
	push %rbp                       # @push rbp
	mov %rsp, %rbp                  # @setfp rbp
	sub $16, %rsp                   # @alloc 16 @prologue_end
	mov %edi, -4(%rbp)
	lea 1(%rdi), %eax
	mov %eax, -8(%rbp)
	mov %eax, %edi
	call pushes_func
	add -4(%rbp), %eax
	mov %rbp, %rsp                  # @epilogue_begin @reset_sp
	pop %rbp                        # @pop rbp
	ret                             # @epilogue_end

	.section .text.pushes_func,"ax",@progbits
pushes_func:
	push %rbx                       # @push rbx
	push %r12                       # @push r12
	push %r13                       # @push r13
	push %r14                       # @push r14
	push %r15                       # @push r15
	sub $16, %rsp                   # @alloc 16 @prologue_end
	mov %edi, (%rsp)
	lea 1(%rdi), %ebx               # @live y
	mov $0x1111, %r12d
	mov $0x2222, %r13d
	mov $0x3333, %r14d
	mov $0x4444, %r15d
	mov %ebx, %edi
	call alloc4k
	add %ebx, %eax
	add $16, %rsp                   # @epilogue_begin @free 16 @dead y
	pop %r15                        # @pop r15
	pop %r14                        # @pop r14
	pop %r13                        # @pop r13
	pop %r12                        # @pop r12
	pop %rbx                        # @pop rbx
	ret                             # @epilogue_end

	.section .text.alloc4k,"ax",@progbits
alloc4k:
	push %rbp                       # @push rbp
	mov %rsp, %rbp                  # @setfp rbp
	sub $4112, %rsp                 # @alloc 4112 @prologue_end
	mov %edi, -4(%rbp)
	lea 1(%rdi), %eax
	mov %eax, (%rsp)
	mov %eax, %edi
	call alloc64k
	add $4112, %rsp                 # @epilogue_begin @free 4112
	pop %rbp                        # @pop rbp
	ret                             # @epilogue_end

	.section .text.alloc64k,"ax",@progbits
alloc64k:
	sub $65544, %rsp                # @alloc 65544 @prologue_end
	mov %edi, (%rsp)
	lea 1(%rdi), %eax
	mov %eax, 65536(%rsp)
	mov %eax, %edi
	call early_ret
	add $65544, %rsp                # @epilogue_begin @free 65544
	ret                             # @epilogue_end

	.section .text.early_ret,"ax",@progbits
early_ret:
	push %rbp                       # @push rbp
	mov %rsp, %rbp                  # @setfp rbp
	push %rbx                       # @push rbx
	sub $8, %rsp                    # @alloc 8 @prologue_end
	mov %edi, -16(%rbp)
	lea 1(%rdi), %ebx
	mov %ebx, %edi
	call deepest
	test %eax, %eax
	js early_ret.negative
	add $8, %rsp                    # @epilogue_begin @free 8
	pop %rbx                        # @pop rbx
	pop %rbp                        # @pop rbp
	ret                             # @epilogue_end
early_ret.negative:
	neg %eax
	add $8, %rsp                    # @epilogue_begin @free 8
	pop %rbx                        # @pop rbx
	pop %rbp                        # @pop rbp
	ret                             # @epilogue_end

	.section .text.deepest,"ax",@progbits
deepest:
	push %rbp                       # @push rbp
	mov %rsp, %rbp                  # @setfp rbp
	sub $16, %rsp                   # @alloc 16 @prologue_end
	mov %edi, -4(%rbp)
	call leaf
	mov %eax, -8(%rbp)
	mov %eax, %edi
	call jd_callback
	leave                           # @epilogue_begin @reset_sp @pop rbp
	ret                             # @epilogue_end

	.section .text.leaf,"ax",@progbits
leaf:
	lea 1(%rdi), %eax
	ret
