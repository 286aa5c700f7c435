# CMake toolchain for bare-metal Cortex-M with the GNU Arm Embedded toolchain
# (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi):
#
#   cmake -S examples/cortex-m -B build-fw \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-none-eabi.cmake \
#     -DETCH_MCPU=cortex-m4 -DCMAKE_PREFIX_PATH=<etch install prefix>
#
# ETCH_MCPU picks the core; this file derives the compiler flags and the
# triple etch-compile needs, and sets ETCH_TARGET_TRIPLE / ETCH_MCPU, which
# etch_add_model() uses when a call gives no TRIPLE / MCPU. The host's
# packages (etch, with etch-compile) stay findable: no CMAKE_FIND_ROOT_PATH.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ETCH_MCPU "cortex-m4" CACHE STRING
    "Cortex-M core: cortex-m4, cortex-m7, cortex-m33, cortex-m55")
set_property(CACHE ETCH_MCPU PROPERTY STRINGS
             cortex-m4 cortex-m7 cortex-m33 cortex-m55)

# Hard-float ABI everywhere: etch-compile's *eabihf triples pass floats in
# VFP registers, and both sides of a link must agree.
if(ETCH_MCPU STREQUAL "cortex-m4")
  set(ETCH_TARGET_TRIPLE thumbv7em-none-eabihf)
  set(_etch_fpu -mfpu=fpv4-sp-d16)
elseif(ETCH_MCPU STREQUAL "cortex-m7")
  set(ETCH_TARGET_TRIPLE thumbv7em-none-eabihf)
  set(_etch_fpu -mfpu=fpv5-d16)
elseif(ETCH_MCPU STREQUAL "cortex-m33")
  set(ETCH_TARGET_TRIPLE thumbv8m.main-none-eabihf)
  set(_etch_fpu -mfpu=fpv5-sp-d16)
elseif(ETCH_MCPU STREQUAL "cortex-m55")
  set(ETCH_TARGET_TRIPLE thumbv8.1m.main-none-eabihf)
  set(_etch_fpu) # -mcpu=cortex-m55 implies FPv5 + MVE
else()
  message(FATAL_ERROR "arm-none-eabi.cmake: unknown ETCH_MCPU '${ETCH_MCPU}'")
endif()

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

set(_etch_arch_flags "-mcpu=${ETCH_MCPU} -mthumb ${_etch_fpu} -mfloat-abi=hard")
set(CMAKE_C_FLAGS_INIT "${_etch_arch_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_etch_arch_flags}")
set(CMAKE_ASM_FLAGS_INIT "${_etch_arch_flags}")
# newlib without an OS: the firmware supplies its own system calls.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nosys.specs")

# A test executable cannot link without the firmware's startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ETCH_MCPU)
