// Test data: a module that declares a link (to low) that no file of it uses.
#pragma once
