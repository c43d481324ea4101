/** Fault batches 1, 3, ... of the catalogue (support/catalogue-suite.ts): the two files run side by side. */
import { describeFaultBatches } from './support/catalogue-suite.ts';

describeFaultBatches(0, 2);
