"""DWARF 5 constants used by the debug-info and line-table encoders, spelled as the specification spells them."""

from __future__ import annotations

# -- tags (DWARF 5, 7.5.3) -----------------------------------------------------------------------------------
DW_TAG_array_type = 0x01
DW_TAG_formal_parameter = 0x05
DW_TAG_member = 0x0D
DW_TAG_compile_unit = 0x11
DW_TAG_union_type = 0x17
DW_TAG_subrange_type = 0x21
DW_TAG_base_type = 0x24
DW_TAG_subprogram = 0x2E
DW_TAG_variable = 0x34

DW_CHILDREN_no = 0x00
DW_CHILDREN_yes = 0x01

DW_UT_compile = 0x01

# -- attributes (7.5.4) ---------------------------------------------------------------------------------------
DW_AT_location = 0x02
DW_AT_name = 0x03
DW_AT_byte_size = 0x0B
DW_AT_stmt_list = 0x10
DW_AT_low_pc = 0x11
DW_AT_high_pc = 0x12
DW_AT_language = 0x13
DW_AT_comp_dir = 0x1B
DW_AT_count = 0x37
DW_AT_upper_bound = 0x2F
DW_AT_data_member_location = 0x38
DW_AT_producer = 0x25
DW_AT_prototyped = 0x27
DW_AT_decl_file = 0x3A
DW_AT_decl_line = 0x3B
DW_AT_encoding = 0x3E
DW_AT_external = 0x3F
DW_AT_frame_base = 0x40
DW_AT_type = 0x49
DW_AT_str_offsets_base = 0x72
DW_AT_addr_base = 0x73
#: GNU extension (gdb and lldb read it): an array type that is a SIMD vector, printed as its lanes.
DW_AT_GNU_vector = 0x2107

# -- forms (7.5.6) --------------------------------------------------------------------------------------------
DW_FORM_addr = 0x01
DW_FORM_data2 = 0x05
DW_FORM_string = 0x08
DW_FORM_data4 = 0x06
DW_FORM_data8 = 0x07
DW_FORM_data1 = 0x0B
DW_FORM_flag = 0x0C
DW_FORM_udata = 0x0F
DW_FORM_ref4 = 0x13
DW_FORM_sec_offset = 0x17
DW_FORM_exprloc = 0x18
DW_FORM_flag_present = 0x19
DW_FORM_strp = 0x0E
DW_FORM_line_strp = 0x1F

# -- base type encodings (7.8) --------------------------------------------------------------------------------
DW_ATE_address = 0x01
DW_ATE_float = 0x04
DW_ATE_signed = 0x05
DW_ATE_unsigned = 0x07
DW_ATE_unsigned_char = 0x08

# -- languages (7.12) -----------------------------------------------------------------------------------------
DW_LANG_C99 = 0x0C
DW_LANG_Mips_Assembler = 0x8001

# -- location expressions (7.7.1) -----------------------------------------------------------------------------
DW_OP_reg0 = 0x50
DW_OP_breg0 = 0x70
DW_OP_regx = 0x90
DW_OP_fbreg = 0x91
DW_OP_bregx = 0x92
DW_OP_call_frame_cfa = 0x9C
DW_OP_addr = 0x03
DW_OP_deref = 0x06
DW_OP_plus_uconst = 0x23

# -- location lists (7.7.3) -----------------------------------------------------------------------------------
DW_LLE_end_of_list = 0x00
DW_LLE_start_length = 0x08

# -- line number program (6.2.5) ------------------------------------------------------------------------------
DW_LNS_copy = 0x01
DW_LNS_advance_pc = 0x02
DW_LNS_advance_line = 0x03
DW_LNS_set_file = 0x04
DW_LNS_set_column = 0x05
DW_LNS_negate_stmt = 0x06
DW_LNS_set_basic_block = 0x07
DW_LNS_const_add_pc = 0x08
DW_LNS_fixed_advance_pc = 0x09
DW_LNS_set_prologue_end = 0x0A
DW_LNS_set_epilogue_begin = 0x0B
DW_LNS_set_isa = 0x0C

DW_LNE_end_sequence = 0x01
DW_LNE_set_address = 0x02

DW_LNCT_path = 0x1
DW_LNCT_directory_index = 0x2
