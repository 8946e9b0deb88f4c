#include "test.h"
RVTEST_BEGIN
  li TESTNUM, 1
  li a1, 5
  addi a1, a1, 7
  li a2, 12
  bne a1, a2, fail
  j pass
RVTEST_END
