# Cross build for 64-bit ARM Linux with Debian's cross compiler (g++-aarch64-linux-gnu).
# Headers and archives of the dependencies come from arm64 Debian packages unpacked into
# build/aarch64-sysroot by scripts/setup-aarch64.sh; glibc comes with the cross compiler.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

get_filename_component(NEMO_AARCH64_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build/aarch64-sysroot" ABSOLUTE)
# Only the unpacked packages are searched for libraries, headers and CMake packages, never the
# host's x86_64 ones; programs (ccache, cmake) are the host's.
set(CMAKE_FIND_ROOT_PATH "${NEMO_AARCH64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# FindCURL asks pkg-config first: let it read the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} "${NEMO_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${NEMO_AARCH64_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${NEMO_AARCH64_SYSROOT}")
