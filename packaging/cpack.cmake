# CPack: `cpack` in the build folder (or packaging/package.sh) writes build/packages/cornu_VERSION_ARCH.deb
# and cornu-VERSION-Linux.tar.gz from the install rules.
set(CORNU_PACKAGE_MAINTAINER "Cornu developers <cornu@example.org>" CACHE STRING
    "Maintainer field of the .deb: \"Name <email>\"")

set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_NAME cornu)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Cornu")
set(CPACK_PACKAGE_CONTACT ${CORNU_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Build and train neural networks visually, the Keras way")
set(CPACK_PACKAGE_DESCRIPTION
    "Cornu is a desktop editor and a C++ engine for neural networks with the Keras API. Drag layers onto a\n\
canvas, wire them and watch the tensor shapes flow, then train on the CPU (OpenBLAS) with live charts, or\n\
from the command line (cornu train). Built-in demos include Fashion-MNIST, XOR and a spiral.")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CORNU_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps finds the libraries `cornu` links: Qt, HDF5, and Graphviz with its plugins (libgvc6, through
# the RUNPATH). It cannot see what is loaded at run time: OpenBLAS (dlopen, backend/cpu/openblas.cpp) and the
# font Graphviz draws diagrams with.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0, fonts-dejavu-core")
# The default demo trains on Debian's Fashion-MNIST; the other demos need no download.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist, wamerican")

include(CPack)
