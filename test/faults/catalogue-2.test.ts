/** Fault batches 2, 4, ... of the catalogue (support/catalogue-suite.ts): the two files run side by side. */
import { describeFaultBatches } from './support/catalogue-suite.ts';

describeFaultBatches(1, 2);
