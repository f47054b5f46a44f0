// Test data: the higher module.
#pragma once
#include "low/x.h"
