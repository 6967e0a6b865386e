#ifndef ROOFLINE_CCSV_SHIM_H
#define ROOFLINE_CCSV_SHIM_H
#include <csv.h>
#endif
