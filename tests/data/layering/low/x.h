// Test data: a lower module that includes a higher one (must be refused).
#pragma once
#include "high/y.h"
